import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.ts';
import { HTML_CSP } from '../src/api/headers.ts';
import { RateLimiter } from '../src/api/rate-limit.ts';
import { authHeader, json, testApp } from './helpers/app.ts';
import { freshDatabase } from './helpers/db.ts';

let database: Database;
beforeAll(async () => {
  database = await freshDatabase();
});
afterAll(async () => {
  await database?.close();
});

describe('rate limiting', () => {
  it('refills tokens at the configured rate (token bucket)', () => {
    const r = new RateLimiter({ perMinute: 60, keyPerMinute: 60, burst: 2, trustProxy: 0 });
    expect(r.take('a', 60, 0)).toBe(0);
    expect(r.take('a', 60, 0)).toBe(0);
    expect(r.take('a', 60, 0)).toBe(1); // one token a second
    expect(r.take('a', 60, 1000)).toBe(0);
    expect(r.take('b', 60, 1000)).toBe(0); // buckets are per client
  });

  it('answers 429 with Retry-After per client address, and separately per API key', async () => {
    const { app } = testApp(database, {
      env: { PULSE_RATE_LIMIT_PER_MIN: '60', PULSE_RATE_LIMIT_BURST: '3', PULSE_RATE_LIMIT_KEY_PER_MIN: '600', PULSE_TRUST_PROXY: '1' },
    });
    const from = (ip: string) => ({ 'X-Forwarded-For': `203.0.113.9, ${ip}` });
    for (let i = 0; i < 3; i++) expect((await app.request('/api/v1/sources', { headers: from('198.51.100.7') })).status).toBe(200);
    const limited = await app.request('/api/v1/sources', { headers: from('198.51.100.7') });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await json(limited)).error.code).toBe('rate_limited');
    expect((await app.request('/api/v1/sources', { headers: from('198.51.100.8') })).status).toBe(200);
    const key = await authHeader(database, 'write');
    expect((await app.request('/api/v1/sources', { headers: { ...key, ...from('198.51.100.7') } })).status).toBe(200);
    expect((await app.request('/health')).status).toBe(200); // liveness is never limited
  });

  it('ignores X-Forwarded-For unless PULSE_TRUST_PROXY is set', async () => {
    const { app } = testApp(database, { env: { PULSE_RATE_LIMIT_PER_MIN: '60', PULSE_RATE_LIMIT_BURST: '2' } });
    await app.request('/api/v1/sources', { headers: { 'X-Forwarded-For': '1.1.1.1' } });
    await app.request('/api/v1/sources', { headers: { 'X-Forwarded-For': '2.2.2.2' } });
    expect((await app.request('/api/v1/sources', { headers: { 'X-Forwarded-For': '3.3.3.3' } })).status).toBe(429);
  });
});

describe('headers, CORS and body limits', () => {
  it('sends security headers and no CORS headers unless configured', async () => {
    const { app } = testApp(database);
    const res = await app.request('/api/v1/sources', { headers: { Origin: 'https://evil.example' } });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    const page = await app.request('/docs');
    expect(page.headers.get('content-security-policy')).toBe(HTML_CSP);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows the configured origins', async () => {
    const { app } = testApp(database, { env: { PULSE_CORS_ORIGINS: 'https://newsroom.example' } });
    const ok = await app.request('/api/v1/sources', { headers: { Origin: 'https://newsroom.example' } });
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://newsroom.example');
    const other = await app.request('/api/v1/sources', { headers: { Origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('limits bodies on every write route', async () => {
    const { app } = testApp(database);
    const key = { ...(await authHeader(database, 'admin')), 'Content-Type': 'application/json' };
    const big = JSON.stringify({ url: 'https://x.org/' + 'a'.repeat(1_100_000), kind: 'news' });
    for (const [method, path] of [
      ['POST', '/api/v1/sources'],
      ['POST', '/api/v1/keys'],
      ['POST', '/api/v1/announcements'],
      ['POST', '/api/v1/webhooks'],
      ['PATCH', '/api/v1/sources/1'],
      ['POST', '/api/v1/sources/import'],
    ]) {
      const res = await app.request(path, { method, headers: key, body: big });
      expect(res.status, `${method} ${path}`).toBe(413);
    }
  });
});
