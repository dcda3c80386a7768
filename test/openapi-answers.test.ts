import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.ts';
import { insertAnnouncement } from '../db/queries/announcements.ts';
import { rebuildDirtyDays } from '../db/queries/rollups.ts';
import { authHeader, json, testApp } from './helpers/app.ts';
import { freshDatabase } from './helpers/db.ts';
import { makeItems, makeSource } from './helpers/factories.ts';

/**
 * Every documented operation is called with valid input and its real answer is checked against
 * the schema /openapi.json gives for that status and content type. Objects are checked closed
 * (no field the document does not name), so an answer that grows a field, or a route whose
 * schema says less than it returns, fails here.
 */
let database: Database;
let ids: { item: number; source: number; announcement: number };
beforeAll(async () => {
  database = await freshDatabase();
  const news = await makeSource(database.db, 'news', 'Trade Daily');
  const union = await makeSource(database.db, 'union', 'Actors Guild');
  const at = (d: string) => new Date(`${d}T12:00:00Z`);
  const [item] = await makeItems(database.db, [
    {
      sourceId: news,
      publishedAt: at('2025-07-18'),
      stance: 'worry',
      studios: ['Netflix'],
      concerns: ['job_displacement'],
      sentence: 'Crews fear for their jobs.',
    },
    { sourceId: union, publishedAt: at('2025-07-15'), stance: 'excitement', studios: ['Netflix'], unions: ['SAG-AFTRA'] },
    { sourceId: news, publishedAt: at('2025-07-19'), stance: 'neutral', relevant: false },
  ]);
  await rebuildDirtyDays(database.db, { limit: 100 });
  const a = await insertAnnouncement(database.db, {
    title: 'Disclosure',
    studio: 'Netflix',
    date: '2025-07-17',
    keywords: ['Eternauta'],
    description: '',
  });
  ids = { item: item!, source: news, announcement: a.id };
});
afterAll(async () => {
  await database?.close();
});

type Schema = Record<string, unknown>;

/**
 * The fields of an answer that its schema does not name: objects are read as closed unless the
 * schema allows more (a record), through $ref, allOf, anyOf and oneOf.
 */
function undocumented(value: unknown, schema: Schema | undefined, doc: Schema, path = ''): string[] {
  if (!schema || value === null || typeof value !== 'object') return [];
  const ref = schema.$ref as string | undefined;
  if (ref)
    return undocumented(
      value,
      ref
        .replace(/^#\//, '')
        .split('/')
        .reduce<Schema>((o, k) => o[k] as Schema, doc),
      doc,
      path,
    );
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = schema[key] as Schema[] | undefined;
    if (options) return options.map((o) => undocumented(value, o, doc, path)).sort((x, y) => x.length - y.length)[0] ?? [];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => undocumented(v, schema.items as Schema, doc, `${path}/${i}`));
  const parts = [schema, ...((schema.allOf as Schema[] | undefined) ?? []).map((p) => resolve(p, doc))];
  const properties: Record<string, Schema> = Object.assign({}, ...parts.map((p) => (p.properties as object) ?? {}));
  const extra = parts.map((p) => p.additionalProperties).find((a) => a !== undefined && a !== false) as Schema | true | undefined;
  return Object.entries(value).flatMap(([k, v]) => {
    if (properties[k]) return undocumented(v, properties[k], doc, `${path}/${k}`);
    if (extra) return extra === true ? [] : undocumented(v, extra, doc, `${path}/${k}`);
    return [`${path}/${k}`];
  });
}
const resolve = (s: Schema, doc: Schema): Schema =>
  typeof s.$ref === 'string'
    ? resolve(
        s.$ref
          .replace(/^#\//, '')
          .split('/')
          .reduce<Schema>((o, k) => o[k] as Schema, doc),
        doc,
      )
    : s;

interface Call {
  method: string;
  path: string;
  /** the documented path this call exercises */
  op: string;
  body?: unknown;
  contentType?: string;
  auth?: 'write' | 'admin';
}

describe('real answers match /openapi.json', () => {
  it('for every documented operation', { timeout: 60_000 }, async () => {
    const { app } = testApp(database, { now: '2025-07-28T09:00:00Z' });
    const doc = await json(await app.request('/openapi.json'));
    const admin = await authHeader(database, 'admin');
    const calls: Call[] = [
      { method: 'GET', path: '/health', op: '/health' },
      { method: 'GET', path: '/ready', op: '/ready' },
      { method: 'GET', path: '/metrics', op: '/metrics' },
      { method: 'GET', path: '/api/v1/keys', op: '/api/v1/keys', auth: 'admin' },
      { method: 'POST', path: '/api/v1/keys', op: '/api/v1/keys', auth: 'admin', body: { name: 'checker', scope: 'write' } },
      { method: 'DELETE', path: '/api/v1/keys/1', op: '/api/v1/keys/{id}', auth: 'admin' },
      { method: 'GET', path: '/api/v1/sources', op: '/api/v1/sources' },
      {
        method: 'POST',
        path: '/api/v1/sources',
        op: '/api/v1/sources',
        auth: 'write',
        body: { url: 'https://example.org/new/feed', kind: 'news' },
      },
      { method: 'GET', path: `/api/v1/sources/${ids.source}`, op: '/api/v1/sources/{id}' },
      {
        method: 'PATCH',
        path: `/api/v1/sources/${ids.source}`,
        op: '/api/v1/sources/{id}',
        auth: 'write',
        body: { name: 'Trade Daily Renamed' },
      },
      { method: 'GET', path: '/api/v1/sources/export', op: '/api/v1/sources/export' },
      {
        method: 'POST',
        path: `/api/v1/sources/${ids.source}/backfill`,
        op: '/api/v1/sources/{id}/backfill',
        auth: 'write',
        body: { from: '2025-07-01', to: '2025-06-01' },
      },
      { method: 'GET', path: `/api/v1/sources/${ids.source}/backfills/9999`, op: '/api/v1/sources/{id}/backfills/{backfillId}' },
      {
        method: 'POST',
        path: '/api/v1/sources/test',
        op: '/api/v1/sources/test',
        auth: 'write',
        body: { type: 'page', url: 'https://example.org/news' },
      },
      {
        method: 'POST',
        path: '/api/v1/sources/import',
        op: '/api/v1/sources/import',
        auth: 'write',
        contentType: 'text/x-opml',
        body: '<opml version="2.0"><body><outline type="rss" text="X" xmlUrl="https://example.org/opml/feed"/></body></opml>',
      },
      { method: 'GET', path: '/api/v1/items?limit=2', op: '/api/v1/items' },
      { method: 'GET', path: '/api/v1/items?q=jobs', op: '/api/v1/items' },
      { method: 'GET', path: `/api/v1/items/${ids.item}`, op: '/api/v1/items/{id}' },
      { method: 'GET', path: '/api/v1/items/export?format=ndjson', op: '/api/v1/items/export' },
      {
        method: 'POST',
        path: '/api/v1/classify',
        op: '/api/v1/classify',
        body: { texts: ['The guild demands consent before any digital replica is made.'] },
      },
      { method: 'GET', path: '/api/v1/trends?from=2025-07-07&to=2025-07-28', op: '/api/v1/trends' },
      { method: 'GET', path: '/api/v1/trends?from=2025-07-07&to=2025-07-28&group_by=studio', op: '/api/v1/trends' },
      { method: 'GET', path: '/api/v1/jobs', op: '/api/v1/jobs' },
      { method: 'GET', path: '/api/v1/announcements', op: '/api/v1/announcements' },
      {
        method: 'POST',
        path: '/api/v1/announcements',
        op: '/api/v1/announcements',
        auth: 'write',
        body: { title: 'Another', date: '2025-08-01' },
      },
      { method: 'GET', path: `/api/v1/announcements/${ids.announcement}`, op: '/api/v1/announcements/{id}' },
      {
        method: 'PATCH',
        path: `/api/v1/announcements/${ids.announcement}`,
        op: '/api/v1/announcements/{id}',
        auth: 'write',
        body: { description: 'Q2 call' },
      },
      { method: 'GET', path: `/api/v1/announcements/${ids.announcement}/reaction?window=7d`, op: '/api/v1/announcements/{id}/reaction' },
      { method: 'GET', path: '/api/v1/alerts', op: '/api/v1/alerts' },
      { method: 'POST', path: '/api/v1/webhooks', op: '/api/v1/webhooks', auth: 'write', body: { url: 'http://127.0.0.1:9/hook' } },
      { method: 'GET', path: '/api/v1/webhooks', op: '/api/v1/webhooks', auth: 'write' },
      { method: 'GET', path: '/api/v1/webhooks/1/deliveries', op: '/api/v1/webhooks/{id}/deliveries', auth: 'write' },
      { method: 'DELETE', path: '/api/v1/webhooks/1', op: '/api/v1/webhooks/{id}', auth: 'write' },
      {
        method: 'POST',
        path: '/api/v1/webhooks',
        op: '/api/v1/webhooks',
        auth: 'write',
        body: { url: 'http://127.0.0.1:9/slack', format: 'slack', entity: 'netflix' },
      },
      {
        method: 'POST',
        path: '/api/v1/subscriptions',
        op: '/api/v1/subscriptions',
        auth: 'write',
        body: { email: 'desk@example.org', topic: 'alerts', entity: 'sag-aftra' },
      },
      {
        method: 'POST',
        path: '/api/v1/watches',
        op: '/api/v1/watches',
        auth: 'write',
        body: {
          name: 'consent',
          query: { q: 'digital replica', union: 'sag-aftra', concern: 'consent_likeness' },
          webhook: { url: 'http://127.0.0.1:9/w', format: 'discord' },
        },
      },
      { method: 'GET', path: '/api/v1/watches', op: '/api/v1/watches', auth: 'write' },
      { method: 'DELETE', path: '/api/v1/watches/1', op: '/api/v1/watches/{id}', auth: 'write' },
      { method: 'POST', path: '/api/v1/feed-tokens', op: '/api/v1/feed-tokens', auth: 'write' },
      { method: 'DELETE', path: '/api/v1/feed-tokens/1', op: '/api/v1/feed-tokens/{id}', auth: 'write' },
      { method: 'GET', path: '/api/v1/digests', op: '/api/v1/digests' },
      { method: 'POST', path: '/api/v1/digests/2025-W30/rebuild', op: '/api/v1/digests/{week}/rebuild', auth: 'write' },
      { method: 'GET', path: '/api/v1/digests/2025-W30?format=json', op: '/api/v1/digests/{week}' },
      { method: 'GET', path: '/api/v1/digests/feed.xml', op: '/api/v1/digests/feed.xml' },
      { method: 'POST', path: '/api/v1/samples', op: '/api/v1/samples', auth: 'write', body: { n: 5, seed: 1, stratify: 'stance' } },
      { method: 'GET', path: '/api/v1/samples', op: '/api/v1/samples' },
      { method: 'GET', path: '/api/v1/samples/1?coder=ana', op: '/api/v1/samples/{id}' },
      {
        method: 'POST',
        path: '/api/v1/annotations',
        op: '/api/v1/annotations',
        auth: 'write',
        body: { itemId: ids.item, coder: 'ana', stance: 'worry', relevant: true, concerns: ['compensation'], durationMs: 3000 },
      },
      { method: 'GET', path: '/api/v1/annotations', op: '/api/v1/annotations' },
      { method: 'GET', path: '/api/v1/validation?sample=1', op: '/api/v1/validation' },
      { method: 'GET', path: '/api/v1/models', op: '/api/v1/models' },
      {
        method: 'GET',
        path: '/api/v1/models/compare?a=test-model&b=test-model&from=2025-07-07&to=2025-07-28',
        op: '/api/v1/models/compare',
      },
      { method: 'GET', path: '/api/v1/trends?from=2025-07-07&to=2025-07-28&labels=model', op: '/api/v1/trends' },
      { method: 'GET', path: '/api/v1/trends?from=2025-07-07&to=2025-07-28&adjust=true', op: '/api/v1/trends' },
      { method: 'DELETE', path: '/api/v1/announcements/9999', op: '/api/v1/announcements/{id}', auth: 'write' },
      { method: 'DELETE', path: `/api/v1/sources/${ids.source}`, op: '/api/v1/sources/{id}', auth: 'write' },
      { method: 'GET', path: '/api/v1/items/99999', op: '/api/v1/items/{id}' },
      { method: 'GET', path: '/api/v1/trends?granularity=year', op: '/api/v1/trends' },
    ];

    // every documented operation is called at least once
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`),
    );
    const called = new Set(calls.map((c) => `${c.method} ${c.op}`));
    expect(documented.filter((op) => !called.has(op))).toEqual([]);

    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
    const write = await authHeader(database, 'write');
    for (const call of calls) {
      const headers: Record<string, string> = { ...(call.auth === 'admin' ? admin : call.auth === 'write' ? write : {}) };
      let body: string | undefined;
      if (call.body !== undefined) {
        headers['Content-Type'] = call.contentType ?? 'application/json';
        body = typeof call.body === 'string' ? call.body : JSON.stringify(call.body);
      }
      const res = await app.request(call.path, { method: call.method, headers, body });
      const where = `${call.method} ${call.path} -> ${res.status}`;
      const response = doc.paths[call.op][call.method.toLowerCase()].responses[String(res.status)];
      expect(response, `${where}: status not documented`).toBeDefined();
      expect(res.status, where).toBeLessThan(500);
      if (res.status === 204 || res.status === 304) continue;
      const type = (res.headers.get('content-type') ?? '').split(';')[0]!;
      const content = response.content?.[type];
      expect(content, `${where}: content type ${type} not documented`).toBeDefined();
      if (type !== 'application/json') continue;
      const validate = ajv.compile({ ...content.schema, components: doc.components });
      const answer = await res.json();
      expect(
        validate(answer) ? [] : validate.errors!.map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`),
        where,
      ).toEqual([]);
      expect(undocumented(answer, content.schema, doc), `${where}: fields the document does not name`).toEqual([]);
    }
  });
});
