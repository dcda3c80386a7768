import { defaultModel } from '../src/classify/model.ts';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.ts';
import { Hono } from 'hono';
import { acceptsEncoding, etagMatches } from '../src/api/compression.ts';
import { cachedRead } from '../src/api/env.ts';
import { API_HEADERS, DOCUMENT_HEADERS, securityHeaders } from '../src/api/headers.ts';
import { ResponseCache } from '../src/api/response-cache.ts';
import { silentLogger } from '../src/logger.ts';
import { createMetrics } from '../src/metrics.ts';
import { startServer } from '../src/server.ts';
import { SingleFlight } from '../src/util/single-flight.ts';
import { authHeader, json, testApp, testConfig } from './helpers/app.ts';
import { freshDatabase } from './helpers/db.ts';
import { makeItems, makeSource } from './helpers/factories.ts';

let database: Database;
beforeAll(async () => {
  database = await freshDatabase();
  const news = await makeSource(database.db, 'news');
  const days = Array.from({ length: 60 }, (_, i) => new Date(Date.UTC(2025, 5, 1 + i, 12)));
  await makeItems(
    database.db,
    days.flatMap((d, i) => [
      { sourceId: news, publishedAt: d, stance: 'worry' as const, studios: ['Netflix'], title: `Guild worries ${i}` },
      {
        sourceId: news,
        publishedAt: d,
        stance: i % 2 ? ('excitement' as const) : ('neutral' as const),
        studios: ['Netflix'],
        title: `Studio plans ${i}`,
      },
    ]),
  );
});
afterAll(async () => {
  await database?.close();
});

const TRENDS = '/api/v1/trends?studio=Netflix&granularity=day&from=2025-06-01&to=2025-07-31';

describe('Accept-Encoding and If-None-Match parsing', () => {
  it('reads codings, q-values and the wildcard', () => {
    expect(acceptsEncoding('gzip, deflate, br', 'gzip')).toBe(true);
    expect(acceptsEncoding('br;q=1.0, gzip;q=0', 'gzip')).toBe(false);
    expect(acceptsEncoding('*;q=0.5', 'gzip')).toBe(true);
    expect(acceptsEncoding('*, gzip;q=0', 'gzip')).toBe(false);
    expect(acceptsEncoding('identity', 'gzip')).toBe(false);
    expect(acceptsEncoding(undefined, 'gzip')).toBe(false);
    expect(etagMatches('"a", W/"b"', '"b"')).toBe(true);
    expect(etagMatches('*', '"b"')).toBe(true);
    expect(etagMatches('"c"', '"b"')).toBe(false);
  });

  it('keys cached answers by path and parameters in name order, keeping repeated parameters in order', () => {
    expect(ResponseCache.key('http://h/api/v1/trends?to=2&from=1')).toBe(ResponseCache.key('http://h/api/v1/trends?from=1&to=2'));
    expect(ResponseCache.key('http://h/x?a=2&b=1&a=1')).toBe('/x?a=2&a=1&b=1');
    expect(ResponseCache.key('http://h/x?a=1&a=2')).not.toBe(ResponseCache.key('http://h/x?a=2&a=1'));
    expect(ResponseCache.key('http://h/x')).toBe('/x');
  });
});

describe('cached reads', () => {
  it('gzip when asked, once per cached answer, with a weak ETag that still revalidates', async () => {
    const { app } = testApp(database, { env: { PULSE_CACHE_TTL_MS: '60000' } });
    const plain = await app.request(TRENDS);
    const text = await plain.text();
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(plain.headers.get('vary')).toBe('Accept-Encoding');
    expect(text.length).toBeGreaterThan(1024);
    for (let i = 0; i < 2; i++) {
      const gz = await app.request(TRENDS, { headers: { 'Accept-Encoding': 'gzip, deflate' } });
      expect(gz.headers.get('content-encoding')).toBe('gzip');
      expect(gz.headers.get('etag')).toBe(`W/${plain.headers.get('etag')}`);
      expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).toString()).toBe(text);
      const again = await app.request(TRENDS, { headers: { 'Accept-Encoding': 'gzip', 'If-None-Match': gz.headers.get('etag')! } });
      expect(again.status).toBe(304);
    }
    // the same answer when caching is off
    const fresh = await testApp(database).app.request(TRENDS, { headers: { 'Accept-Encoding': 'gzip' } });
    expect(fresh.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await fresh.arrayBuffer())).toString()).toBe(text);
  });

  it('still checks keys and rate limits before answering from the cache', async () => {
    const open = testApp(database, { env: { PULSE_CACHE_TTL_MS: '60000' } });
    expect((await open.app.request(TRENDS)).status).toBe(200);
    const closed = testApp(database, { env: { PULSE_CACHE_TTL_MS: '60000', PULSE_READ_KEY_REQUIRED: 'true' } });
    const key = await authHeader(database, 'write');
    expect((await closed.app.request(TRENDS, { headers: key })).status).toBe(200); // now cached
    expect((await closed.app.request(TRENDS)).status).toBe(401);
    expect((await closed.app.request(TRENDS, { headers: { Authorization: 'Bearer nonsense-key' } })).status).toBe(401);
    const limited = testApp(database, {
      env: { PULSE_CACHE_TTL_MS: '60000', PULSE_RATE_LIMIT_PER_MIN: '60', PULSE_RATE_LIMIT_BURST: '2' },
    });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await limited.app.request(TRENDS)).status);
    expect(statuses).toEqual([200, 200, 429]);
  });

  it('forgets a reaction when its announcement changes or goes', async () => {
    const { app } = testApp(database, { env: { PULSE_CACHE_TTL_MS: '60000' } });
    const key = { ...(await authHeader(database, 'write')), 'Content-Type': 'application/json' };
    const made = await json(
      await app.request('/api/v1/announcements', {
        method: 'POST',
        headers: key,
        body: JSON.stringify({ title: 'Test launch', studio: 'Netflix', date: '2025-07-01' }),
      }),
    );
    const url = `/api/v1/announcements/${made.id}/reaction?window=7d`;
    expect((await json(await app.request(url))).announcement.title).toBe('Test launch');
    await app.request(`/api/v1/announcements/${made.id}`, {
      method: 'PATCH',
      headers: key,
      body: JSON.stringify({ title: 'Renamed launch' }),
    });
    expect((await json(await app.request(url))).announcement.title).toBe('Renamed launch');
    await app.request(`/api/v1/announcements/${made.id}`, { method: 'DELETE', headers: key });
    expect((await app.request(url)).status).toBe(404);
  });

  it('reaches every spelling of an announcement id when it changes', async () => {
    const { app } = testApp(database, { env: { PULSE_CACHE_TTL_MS: '60000' } });
    const key = { ...(await authHeader(database, 'write')), 'Content-Type': 'application/json' };
    const made = await json(
      await app.request('/api/v1/announcements', {
        method: 'POST',
        headers: key,
        body: JSON.stringify({ title: 'Spelt twice', studio: 'Netflix', date: '2025-07-01' }),
      }),
    );
    const odd = `/api/v1/announcements/0${made.id}/reaction?window=7d`;
    expect((await app.request(odd)).status).toBe(200);
    await app.request(`/api/v1/announcements/${made.id}`, { method: 'DELETE', headers: key });
    expect((await app.request(odd)).status).toBe(404);
  });

  it('does not store an answer computed across an invalidation, nor hand it to later callers', async () => {
    const cache = new ResponseCache(60_000);
    let version = 1;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const app = new Hono();
    app.get('/thing', (c) =>
      cachedRead(c, cache, async () => {
        const seen = version; // read the data, then take a while to finish
        if (seen === 1) await gate;
        return { body: JSON.stringify({ seen }), contentType: 'application/json' };
      }),
    );
    const early = (async () => (await (await app.request('/thing')).json()) as { seen: number })();
    await new Promise((r) => setTimeout(r, 10));
    version = 2; // a write lands while the first answer is being computed
    cache.invalidate('/thing');
    const late = (await (await app.request('/thing')).json()) as { seen: number };
    expect(late.seen).toBe(2); // not the computation that read the old data
    release();
    expect((await early).seen).toBe(1);
    expect(((await (await app.request('/thing')).json()) as { seen: number }).seen).toBe(2); // the stale one was not stored
  });

  it('compresses large uncached answers (item pages) for clients that ask', async () => {
    const { app } = testApp(database);
    const res = await app.request('/api/v1/items?limit=100', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(res.headers.get('vary')).toMatch(/Accept-Encoding/);
    expect(JSON.parse(gunzipSync(Buffer.from(await res.arrayBuffer())).toString()).items).toHaveLength(100);
    const plain = await app.request('/api/v1/items?limit=100');
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(plain.headers.get('vary')).toMatch(/Accept-Encoding/);
  });
});

describe('over a real socket (@hono/node-server)', () => {
  it('every answer carries the security headers for its kind and a request id, whatever the route', async () => {
    const server = await startServer({
      config: testConfig({ PORT: '0', HOST: '127.0.0.1', PULSE_CACHE_TTL_MS: '60000' }),
      database,
      logger: silentLogger(),
      model: defaultModel(),
    });
    try {
      for (const path of [
        '/health',
        TRENDS,
        TRENDS,
        '/api/v1/items?limit=2',
        '/api/v1/nothing-here',
        '/api/v1/trends?granularity=year',
        '/docs',
        '/',
      ]) {
        const res = await fetch(server.url + path, { headers: { 'X-Request-Id': 'trace-123' } });
        await res.arrayBuffer();
        const html = path === '/docs' || path === '/';
        expect(res.headers.get('content-type')?.startsWith('text/html'), path).toBe(html);
        for (const [name, value] of securityHeaders(res.headers.get('content-type')))
          expect(res.headers.get(name), `${path} ${name}`).toBe(value);
        if (!html)
          for (const [name] of DOCUMENT_HEADERS.filter(([n]) => !API_HEADERS.some(([a]) => a === n)))
            expect(res.headers.get(name), `${path} ${name}`).toBeNull();
        expect(res.headers.get('x-request-id'), path).toBe('trace-123');
      }
      const res = await fetch(server.url + '/api/v1/nothing-here', { headers: { 'X-Request-Id': 'has spaces in it' } });
      const body = await json(res);
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(body.error.requestId).toBe(res.headers.get('x-request-id'));
      // a gzip answer from the cache decodes to the plain one
      const gz = await fetch(server.url + TRENDS, { headers: { 'Accept-Encoding': 'gzip' } });
      expect(gz.headers.get('content-encoding')).toBe('gzip');
      expect((await json(gz)).series[0].buckets).toHaveLength(60);
    } finally {
      await server.close();
    }
  });
});

describe('one computation per answer at a time', () => {
  it('shares a computation, and its failure, among the callers that arrive meanwhile', async () => {
    const flight = new SingleFlight<number>();
    let runs = 0;
    const slow = (value: number) => async () => {
      runs++;
      await new Promise((r) => setTimeout(r, 30));
      return value;
    };
    expect(await Promise.all([flight.run('a', slow(1)), flight.run('a', slow(2)), flight.run('b', slow(3))])).toEqual([1, 1, 3]);
    expect(runs).toBe(2);
    expect(flight.size).toBe(0);
    const failing = () => Promise.reject(new Error('database down'));
    const both = await Promise.allSettled([flight.run('a', failing), flight.run('a', slow(4))]);
    expect(both.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await flight.run('a', slow(5))).toBe(5); // a failure is not remembered
  });

  it('an expired cached answer asked for by many clients at once is computed once', async () => {
    const cache = new ResponseCache(60_000);
    let computed = 0;
    const app = new Hono();
    app.get('/answer', (c) =>
      cachedRead(c, cache, async () => {
        computed++;
        await new Promise((r) => setTimeout(r, 40));
        return { body: JSON.stringify({ computed }), contentType: 'application/json' };
      }),
    );
    const answers = await Promise.all(
      Array.from({ length: 20 }, async () => (await app.request('/answer')).json() as Promise<{ computed: number }>),
    );
    expect(computed).toBe(1);
    expect(new Set(answers.map((a) => a.computed))).toEqual(new Set([1]));
  });
});

describe('request-duration histogram', () => {
  it('prints cumulative buckets, sum and count per method, route and status', async () => {
    const metrics = createMetrics();
    metrics.httpDuration.observe('GET', '/api/v1/trends', 200, 0.003);
    metrics.httpDuration.observe('GET', '/api/v1/trends', 200, 0.2);
    metrics.httpDuration.observe('GET', '/api/v1/trends', 200, 9);
    metrics.httpDuration.observe('POST', '/api/v1/classify', 400, 0.001);
    const text = await metrics.registry.metrics();
    const line = (le: string) =>
      new RegExp(
        `pulse_http_request_duration_seconds_bucket\\{method="GET",route="/api/v1/trends",status="200",le="${le.replace('+', '\\+')}"\\} (\\d+)`,
      ).exec(text)?.[1];
    expect([line('0.001'), line('0.005'), line('0.1'), line('0.25'), line('5'), line('+Inf')]).toEqual(['0', '1', '1', '2', '2', '3']);
    expect(text).toMatch(/pulse_http_request_duration_seconds_sum\{method="GET",route="\/api\/v1\/trends",status="200"\} 9\.203/);
    expect(text).toMatch(/pulse_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/trends",status="200"\} 3/);
    expect(text).toMatch(
      /pulse_http_request_duration_seconds_bucket\{method="POST",route="\/api\/v1\/classify",status="400",le="0.001"\} 1/,
    );
    expect(text).toMatch(/# TYPE pulse_http_request_duration_seconds histogram/);
  });
});
