import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.ts';
import { createKey } from '../src/services/keys.ts';
import { freshDatabase } from './helpers/db.ts';
import { authHeader, json, testApp } from './helpers/app.ts';

let database: Database;
beforeAll(async () => {
  database = await freshDatabase();
});
afterAll(async () => {
  await database?.close();
});

describe('health and errors', () => {
  it('answers /health and /ready with 200 and a request id', async () => {
    const { app } = testApp(database);
    const health = await app.request('/health');
    expect(health.status).toBe(200);
    expect(await json(health)).toEqual({ status: 'ok' });
    expect(health.headers.get('x-request-id')).toMatch(/^[\w-]{8,}$/);
    const ready = await app.request('/ready');
    expect(ready.status).toBe(200);
  });

  it('keeps a sane incoming request id', async () => {
    const { app } = testApp(database);
    const res = await app.request('/health', { headers: { 'X-Request-Id': 'abc-123' } });
    expect(res.headers.get('x-request-id')).toBe('abc-123');
  });

  it('answers unknown routes with 404 in the standard shape', async () => {
    const { app } = testApp(database);
    const res = await app.request('/api/v1/nothing-here');
    expect(res.status).toBe(404);
    const body = await json(res);
    expect(body.error.code).toBe('not_found');
    expect(body.error.message).toContain('/api/v1/nothing-here');
    expect(body.error.requestId).toBe(res.headers.get('x-request-id'));
  });

  it('answers 503 on /ready when the database does not answer', async () => {
    const { app } = testApp({
      ...database,
      db: { execute: () => Promise.reject(new Error('connection refused')) } as never,
    });
    const res = await app.request('/ready');
    expect(res.status).toBe(503);
    expect((await json(res)).error.code).toBe('unavailable');
    expect((await app.request('/health')).status).toBe(200);
  });

  it('hides internal errors behind a bare 500', async () => {
    const { app } = testApp({
      ...database,
      db: {
        select: () => {
          throw new Error('relation "secret_table" does not exist');
        },
      } as never,
    });
    const res = await app.request('/api/v1/keys', { headers: { Authorization: 'Bearer pulse_x' } });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('secret_table');
    expect(text).not.toMatch(/at .*\.ts/);
    expect(JSON.parse(text).error.code).toBe('internal');
  });
});

describe('API keys', () => {
  it('enforces 401 / 403 / 200 on GET /api/v1/keys', async () => {
    const { app } = testApp(database);
    expect((await app.request('/api/v1/keys')).status).toBe(401);
    expect((await app.request('/api/v1/keys', { headers: { Authorization: 'Bearer pulse_nope' } })).status).toBe(401);
    expect((await app.request('/api/v1/keys', { headers: { Authorization: 'Basic abc' } })).status).toBe(401);
    const write = await authHeader(database, 'write');
    expect((await app.request('/api/v1/keys', { headers: write })).status).toBe(403);
    const admin = await authHeader(database, 'admin');
    const ok = await app.request('/api/v1/keys', { headers: admin });
    expect(ok.status).toBe(200);
    const body = await json(ok);
    expect(body.keys.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(body)).not.toMatch(/keyHash|key_hash|secret/);
  });

  it('creates a key over HTTP, shows its secret once, and refuses it after revocation', async () => {
    const { app } = testApp(database);
    const admin = await authHeader(database, 'admin');
    const created = await app.request('/api/v1/keys', {
      method: 'POST',
      headers: { ...admin, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'newsroom', scope: 'admin' }),
    });
    expect(created.status).toBe(201);
    const key = await json(created);
    expect(key.secret).toMatch(/^pulse_[\w-]{43}$/);
    const own = { Authorization: `Bearer ${key.secret}` };
    expect((await app.request('/api/v1/keys', { headers: own })).status).toBe(200);
    const listed = await json(await app.request('/api/v1/keys', { headers: admin }));
    const entry = listed.keys.find((k: { id: number }) => k.id === key.id);
    expect(entry.secret).toBeUndefined();
    expect(entry.lastUsedAt).not.toBeNull();

    const revoked = await app.request(`/api/v1/keys/${key.id}`, { method: 'DELETE', headers: admin });
    expect(revoked.status).toBe(200);
    expect((await json(revoked)).revoked).toBe(true);
    const after = await app.request('/api/v1/keys', { headers: own });
    expect(after.status).toBe(401);
    expect((await json(after)).error.message).toMatch(/revoked/);
  });

  it('validates bodies and ids naming the field', async () => {
    const { app } = testApp(database);
    const admin = await authHeader(database, 'admin');
    const bad = await app.request('/api/v1/keys', {
      method: 'POST',
      headers: { ...admin, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'x', scope: 'root' }),
    });
    expect(bad.status).toBe(400);
    expect((await json(bad)).error.message).toMatch(/^scope: /);
    const malformed = await app.request('/api/v1/keys', {
      method: 'POST',
      headers: { ...admin, 'Content-Type': 'application/json' },
      body: '{"name":',
    });
    expect(malformed.status).toBe(400);
    const badId = await app.request('/api/v1/keys/abc', { method: 'DELETE', headers: admin });
    expect(badId.status).toBe(400);
    expect((await json(badId)).error.message).toMatch(/^id: /);
    const missing = await app.request('/api/v1/keys/999999', { method: 'DELETE', headers: admin });
    expect(missing.status).toBe(404);
  });

  it('stores only a hash of the secret', async () => {
    const { secret, key } = await createKey({ db: database.db }, { name: 'hash-check', scope: 'write' });
    const rows = await database.db.query.apiKeys.findMany();
    const row = rows.find((r) => r.id === key.id)!;
    expect(row.keyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain(secret);
  });

  it('makes reads need a key when PULSE_READ_KEY_REQUIRED=true, but not liveness', async () => {
    const { app } = testApp(database, { env: { PULSE_READ_KEY_REQUIRED: 'true' } });
    expect((await app.request('/api/v1/keys')).status).toBe(401);
    expect((await app.request('/health')).status).toBe(200);
  });

  it('refuses bodies over the limit with 413', async () => {
    const { app } = testApp(database);
    const admin = await authHeader(database, 'admin');
    const res = await app.request('/api/v1/keys', {
      method: 'POST',
      headers: { ...admin, 'Content-Type': 'application/json', 'Content-Length': String(5 * 1024 * 1024) },
      body: JSON.stringify({ name: 'x'.repeat(5 * 1024 * 1024) }),
    });
    expect(res.status).toBe(413);
    expect((await json(res)).error.code).toBe('payload_too_large');
  });
});
