import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.ts';
import { json, testApp } from './helpers/app.ts';
import { freshDatabase } from './helpers/db.ts';

let database: Database;
beforeAll(async () => {
  database = await freshDatabase();
});
afterAll(async () => {
  await database?.close();
});

describe('API description and docs', () => {
  it('describes every API route in OpenAPI 3.1', async () => {
    const { app } = testApp(database);
    const doc = await json(await app.request('/openapi.json'));
    expect(doc.openapi).toBe('3.1.0');
    const paths = Object.keys(doc.paths).sort();
    for (const p of [
      '/health',
      '/ready',
      '/metrics',
      '/api/v1/keys',
      '/api/v1/keys/{id}',
      '/api/v1/sources',
      '/api/v1/sources/{id}',
      '/api/v1/sources/import',
      '/api/v1/sources/export',
      '/api/v1/items',
      '/api/v1/items/{id}',
      '/api/v1/items/export',
      '/api/v1/classify',
      '/api/v1/trends',
      '/api/v1/jobs',
      '/api/v1/announcements',
      '/api/v1/announcements/{id}',
      '/api/v1/announcements/{id}/reaction',
      '/api/v1/alerts',
      '/api/v1/webhooks',
      '/api/v1/webhooks/{id}',
      '/api/v1/webhooks/{id}/deliveries',
    ])
      expect(paths).toContain(p);
    expect(doc.components.securitySchemes.bearer).toEqual({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/api/v1/trends'].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining([
        'from',
        'to',
        'granularity',
        'group_by',
        'studio',
        'union',
        'kind',
        'area',
        'concern',
        'relevant',
        'tz',
        'format',
      ]),
    );
  });

  it('serves a docs page whose assets all come from Pulse itself', async () => {
    const { app } = testApp(database);
    const page = await app.request('/docs');
    expect(page.status).toBe(200);
    const html = await page.text();
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThanOrEqual(3);
    for (const ref of refs) {
      expect(ref.startsWith('/'), ref).toBe(true);
      expect((await app.request(ref)).status, ref).toBe(200);
    }
    expect((await app.request('/docs/assets/..%2F..%2Fpackage.json')).status).toBe(404);
  });
});
