import { connect, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { serve } from '@hono/node-server';
import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Database } from '../db/client.ts';
import { addSource, getSource } from '../db/queries/sources.ts';
import { rebuildDirtyDays } from '../db/queries/rollups.ts';
import { sources } from '../db/schema/index.ts';
import { CostGate } from '../src/api/cost-gate.ts';
import { CLIENT_ID, HTML_CSP } from '../src/api/headers.ts';
import { clientBucket } from '../src/api/rate-limit.ts';
import { ResponseCache } from '../src/api/response-cache.ts';
import { guardedBody } from '../src/api/stream-guard.ts';
import { defaultModel } from '../src/classify/model.ts';
import { fixedClock } from '../src/clock.ts';
import { cutFeed } from '../src/ingest/feed-cut.ts';
import { normaliseEntry } from '../src/ingest/normalise.ts';
import { parseFeed } from '../src/ingest/parse.ts';
import { silentLogger } from '../src/logger.ts';
import { capConnections, httpServerOptions, startServer } from '../src/server.ts';
import { ingest } from '../src/services/ingest.ts';
import { clampGranularity, MAX_CELLS } from '../src/services/trends.ts';
import { authHeader, json, testApp, testConfig } from './helpers/app.ts';
import { freshDatabase } from './helpers/db.ts';
import { makeItems, makeSource } from './helpers/factories.ts';
import { manyItems, rss, startFeedServer } from './helpers/feed-server.ts';

let database: Database;
beforeAll(async () => {
  database = await freshDatabase();
  const s = await makeSource(database.db, 'news', 'Hardening news');
  await makeItems(database.db, [
    { sourceId: s, publishedAt: new Date('2025-07-10T10:00:00Z'), stance: 'worry', studios: ['Netflix'], title: 'Netflix item' },
    { sourceId: s, publishedAt: new Date('2025-07-11T10:00:00Z'), stance: 'excitement', studios: ['Disney'], title: 'Disney item' },
  ]);
});
afterAll(async () => {
  await database?.close();
});

/** A pino logger whose JSON lines land in `lines`. */
function capturingLogger() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

describe('feed parsing is bounded', () => {
  const feed = (n: number) => rss(manyItems(n, 'https://cut.example.org'));

  it('keeps the first entries up to the item cap, with the document still well formed', async () => {
    const cut = cutFeed(feed(50), { maxItems: 10, maxChars: 10_000_000 });
    expect([cut.total, cut.kept, cut.reason]).toEqual([50, 10, 'items']);
    const parsed = await parseFeed(feed(50), { maxItems: 10, maxChars: 10_000_000 });
    expect(parsed.entries).toHaveLength(10);
    expect(parsed.cut).toEqual({ total: 50, kept: 10, reason: 'items' });
    // the one at the boundary: exactly the cap is not a cut
    expect((await parseFeed(feed(10), { maxItems: 10, maxChars: 10_000_000 })).cut).toBeUndefined();
  });

  it('keeps only entries that end within the byte cap, Atom included', async () => {
    const doc = feed(100);
    const parsed = await parseFeed(doc, { maxItems: 10_000, maxChars: Math.floor(doc.length / 2) });
    expect(parsed.cut?.reason).toBe('bytes');
    expect(parsed.entries.length).toBeGreaterThan(30);
    expect(parsed.entries.length).toBeLessThan(55);
    const entry = (i: number) =>
      `<entry><title>e${i}</title><id>urn:${i}</id><link href="https://a.example/${i}"/><updated>2025-07-01T00:00:00Z</updated></entry>`;
    const atom = `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>${Array.from({ length: 30 }, (_, i) => entry(i)).join('')}</feed>`;
    const a = await parseFeed(atom, { maxItems: 7, maxChars: 1_000_000 });
    expect(a.entries.map((e) => e.title)).toEqual(['e0', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6']);
  });

  it('refuses a document whose head alone is over the byte cap', async () => {
    const doc = `<?xml version="1.0"?><rss version="2.0"><channel><title>${'x'.repeat(5000)}</title><item><title>a</title><link>https://a.example/</link></item></channel></rss>`;
    await expect(parseFeed(doc, { maxItems: 10, maxChars: 2000 })).rejects.toThrow(/larger than 2000 characters/);
  });

  it('80,000 items in one feed: the first PULSE_FETCH_MAX_ITEMS are stored, the cut is recorded on the source and logged', {
    timeout: 120_000,
  }, async () => {
    const big = feed(3000);
    const server = await startFeedServer({
      '/big.xml': (_req, res) => res.writeHead(200, { 'Content-Type': 'application/rss+xml' }).end(big),
    });
    try {
      const { row } = await addSource(database.db, { url: server.url('/big.xml'), kind: 'news', name: 'big' });
      const { logger, lines } = capturingLogger();
      const config = testConfig({ PULSE_FETCH_MAX_ITEMS: '500' });
      const run = await ingest(
        { db: database.db, config, logger, clock: fixedClock('2025-07-20T12:00:00Z'), instance: 'cut:1', random: () => 0.5 },
        { ids: [row.id] },
      );
      const report = run.reports[0]!;
      expect(report.outcome).toBe('ok');
      expect([report.entries, report.cut]).toEqual([500, 2500]);
      const after = await getSource(database.db, row.id);
      expect(after?.lastError).toBe('cut: read 500 of 3000 entries (PULSE_FETCH_MAX_ITEMS=500)');
      expect(after?.consecutiveFailures).toBe(0);
      expect(lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'feed cut before parsing')).toMatchObject({
        total: 3000,
        kept: 500,
        reason: 'items',
      });
    } finally {
      await server.close();
    }
  });

  it('the configuration takes the caps and refuses nonsense', () => {
    expect(testConfig({ PULSE_FETCH_MAX_ITEMS: '10', PULSE_FETCH_MAX_PARSE_BYTES: '2048' }).fetch).toMatchObject({
      maxItems: 10,
      maxParseBytes: 2048,
    });
    expect(testConfig().fetch).toMatchObject({ maxItems: 5000, maxParseBytes: 4 * 1024 * 1024 });
    expect(() => testConfig({ PULSE_FETCH_MAX_ITEMS: '0' })).toThrow(/PULSE_FETCH_MAX_ITEMS/);
    expect(testConfig().cacheMaxBytes).toBe(64 * 1024 * 1024);
  });
});

describe('bidi controls never reach stored text', () => {
  it('strips embeddings, overrides and isolates from title, summary, content and author; keeps marks', () => {
    const item = normaliseEntry(
      {
        guid: 'g',
        link: 'https://bidi.example/a',
        title: 'Safe \u202Egnp.exe\u202C title',
        summary: 'a\u2066b\u2069c \u200Fok',
        content: '<p>x\u202Dy</p>',
        author: 'An\u202Bna',
        published: undefined,
        imageUrl: undefined,
      },
      { feedUrl: 'https://bidi.example/feed', fetchedAt: new Date('2025-07-20T00:00:00Z') },
    )!;
    expect(item.title).toBe('Safe gnp.exe title');
    expect(item.summary).toBe('abc \u200Fok');
    expect(item.content).toBe('xy');
    expect(item.author).toBe('Anna');
  });
});

describe('response cache budget', () => {
  const body = (n: number) => 'x'.repeat(n);

  it('never holds more than its byte budget, oldest first out', () => {
    const cache = new ResponseCache(60_000, { maxBytes: 100_000 });
    for (let i = 0; i < 50; i++) cache.set(`/k${i}`, body(10_000), 'application/json');
    expect(cache.bytes).toBeLessThanOrEqual(100_000);
    expect(cache.size).toBeGreaterThanOrEqual(8);
    expect(cache.get('/k0')).toBeUndefined();
    expect(cache.get('/k49')).toBeDefined();
  });

  it('serves but never stores an answer over the size limit', () => {
    const cache = new ResponseCache(60_000, { maxBytes: 1_000_000, maxEntryBytes: 50_000 });
    cache.set('/big', body(60_000), 'application/json');
    expect(cache.get('/big')).toBeUndefined();
    expect(cache.bytes).toBe(0);
    cache.set('/small', body(40_000), 'application/json');
    expect(cache.get('/small')).toBeDefined();
  });

  it('drops expired entries when it stores one, not only when they are asked for', () => {
    const cache = new ResponseCache(1000, { maxBytes: 10_000_000 });
    for (let i = 0; i < 10; i++) cache.set(`/old${i}`, body(10_000), 'application/json', {}, 0);
    expect(cache.size).toBe(10);
    cache.set('/new', body(10), 'application/json', {}, 5000);
    expect(cache.size).toBe(1);
    expect(cache.bytes).toBeLessThan(1000);
  });

  it('counts gzip forms against the budget', () => {
    const cache = new ResponseCache(60_000, { maxBytes: 1_000_000 });
    const e = cache.set('/a', Array.from({ length: 2000 }, (_, i) => String(Math.sin(i))).join(','), 'application/json');
    const before = cache.bytes;
    cache.gzipped(e);
    expect(cache.bytes).toBeGreaterThan(before);
  });

  it('stores one answer for every spelling of a request (keys from the validated query)', async () => {
    const { app } = testApp(database, { env: { PULSE_CACHE_TTL_MS: '60000' } });
    const spellings = [
      '/api/v1/trends?from=2025-07-01&to=2025-08-01',
      '/api/v1/trends?to=2025-08-01&from=2025-07-01&granularity=week',
      '/api/v1/trends?from=2025-07-01&to=2025-08-01&relevant=true&tz=UTC&format=json',
    ];
    const etags = new Set<string | null>();
    for (const s of spellings) {
      const res = await app.request(s);
      expect(res.status).toBe(200);
      etags.add(res.headers.get('etag'));
    }
    expect(etags.size).toBe(1);
    expect(ResponseCache.validatedKey('/x', { b: 2, a: '1', c: undefined })).toBe('/x?a=1&b=2');
  });

  it('100 anonymous large grouped trend answers stay within the budget', { timeout: 120_000 }, async () => {
    const cache = new ResponseCache(60_000, { maxBytes: 2_000_000 });
    const { app } = testApp(database, { env: { PULSE_CACHE_TTL_MS: '60000' } });
    const { createApp } = await import('../src/api/app.ts');
    const budgeted = createApp({
      db: database.db,
      database,
      config: testConfig({ PULSE_CACHE_TTL_MS: '60000' }),
      clock: fixedClock('2025-07-20T12:00:00Z'),
      logger: silentLogger(),
      model: defaultModel(),
      cache,
    });
    void app;
    for (let d = 1; d <= 100; d++) {
      const from = `2024-${String((d % 12) + 1).padStart(2, '0')}-${String((d % 28) + 1).padStart(2, '0')}`;
      const res = await budgeted.request(`/api/v1/trends?from=${from}&to=2025-07-20&granularity=day&group_by=studio`);
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }
    expect(cache.bytes).toBeLessThanOrEqual(2_000_000);
  });
});

describe('cost model for anonymous reads', () => {
  it('coarsens granularity to the range and the groups (umami-style), saying so', async () => {
    expect(clampGranularity({ from: '2025-01-01', to: '2025-03-01' }, 'day')).toBe('day');
    expect(clampGranularity({ from: '2015-07-01', to: '2025-07-01' }, 'day')).toBe('month');
    expect(clampGranularity({ from: '2023-07-01', to: '2025-07-01' }, 'day')).toBe('week');
    expect(clampGranularity({ from: '2024-07-01', to: '2025-07-01' }, 'day', 'studio')).toBe('week');
    expect(clampGranularity({ from: '2024-07-01', to: '2025-07-01' }, 'day', 'kind')).toBe('day');
    const { app } = testApp(database);
    const res = await app.request('/api/v1/trends?from=2015-08-01&to=2025-07-20&granularity=day&group_by=studio');
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.granularity).toBe('month');
    expect(body.requestedGranularity).toBe('day');
    expect(body.meta.filters.granularity).toBe('month');
    const cells = body.series.reduce((n: number, s: { buckets: unknown[] }) => n + s.buckets.length, 0);
    expect(cells).toBeLessThanOrEqual(MAX_CELLS);
    // counts per month are the sums of the days
    const netflix = body.series.find((s: { group: string }) => s.group === 'Netflix');
    expect(netflix.buckets.find((b: { start: string }) => b.start === '2025-07-01').total).toBe(1);
    const plain = await json(await app.request('/api/v1/trends?from=2025-07-01&to=2025-07-20&granularity=day'));
    expect(plain.requestedGranularity).toBeUndefined();
    expect(plain.granularity).toBe('day');
  });

  it('a partial first bucket counts only the days in range when rows are grouped per bucket in SQL', async () => {
    const { app } = testApp(database);
    const body = await json(await app.request('/api/v1/trends?from=2025-07-11&to=2025-07-20&granularity=week&relevant=all'));
    expect(body.series[0].buckets.map((b: { start: string; total: number }) => [b.start, b.total])).toEqual([
      ['2025-07-07', 1],
      ['2025-07-14', 0],
    ]);
  });

  it('one client gets at most PULSE_EXPENSIVE_PER_CLIENT expensive reads at once (429), the process PULSE_EXPENSIVE_TOTAL (503), with Retry-After', async () => {
    const gate = new CostGate(2, 3);
    const a1 = gate.enter('a');
    gate.enter('a');
    expect(() => gate.enter('a')).toThrow(/at most 2/);
    const b1 = gate.enter('b');
    expect(() => gate.enter('c')).toThrow(/as many expensive requests/);
    a1();
    a1(); // freeing twice frees once
    expect(gate.inUse).toBe(2);
    b1();
    const { app } = testApp(database, { env: { PULSE_EXPENSIVE_PER_CLIENT: '1', PULSE_EXPENSIVE_TOTAL: '5' } });
    const open = await app.request('/api/v1/items/export'); // holds its slot until its body is read
    expect(open.status).toBe(200);
    const second = await app.request('/api/v1/items/export');
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBe('1');
    expect((await json(second)).error.code).toBe('too_many_concurrent');
    expect((await app.request('/health')).status).toBe(200); // cheap routes are not gated
    await open.text();
    expect((await app.request('/api/v1/items/export')).status).toBe(200);
  });

  it('the dashboard is cached like other answers and its menus come from the rollups', async () => {
    const { app } = testApp(database, { env: { PULSE_CACHE_TTL_MS: '60000' } });
    await rebuildDirtyDays(database.db, { limit: 1000 });
    const s = await makeSource(database.db, 'news', 'Menu news');
    await makeItems(database.db, [
      { sourceId: s, publishedAt: new Date('2025-07-12T10:00:00Z'), stance: 'neutral', studios: ['Lionsgate'], title: 'Menu item' },
    ]);
    const first = await app.request('/');
    const html = await first.text();
    expect(first.headers.get('etag')).toBeTruthy();
    expect(first.headers.get('content-security-policy')).toBe(HTML_CSP);
    // Lionsgate's day is not rolled up yet: the menus do not scan items
    expect(html).not.toMatch(/<option[^>]*>Lionsgate</);
    expect(html).toMatch(/<option[^>]*>Netflix</);
    await rebuildDirtyDays(database.db, { limit: 1000 });
    expect(await (await app.request('/')).text()).toBe(html); // cached
    const { app: fresh } = testApp(database);
    expect(await (await fresh.request('/')).text()).toMatch(/<option[^>]*>Lionsgate</);
  });

  it('POST /classify without a key takes a small body; with a key the large one', async () => {
    const { app } = testApp(database);
    const body = JSON.stringify({ texts: Array.from({ length: 20 }, () => 'studio AI jobs '.repeat(1300)) });
    expect(body.length).toBeGreaterThan(300_000);
    const anon = await app.request('/api/v1/classify', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    expect(anon.status).toBe(413);
    const keyed = await app.request('/api/v1/classify', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(await authHeader(database, 'write')) },
      body,
    });
    expect(keyed.status).toBe(200);
  });
});

describe('keys, rate limits and read-key mode', () => {
  it('with PULSE_READ_KEY_REQUIRED, /metrics and /docs need a key; /health, /ready, /openapi.json and static assets do not', async () => {
    const { app } = testApp(database, { env: { PULSE_READ_KEY_REQUIRED: 'true' } });
    for (const p of ['/metrics', '/docs', '/api/v1/trends']) expect((await app.request(p)).status, p).toBe(401);
    // a page sends the browser to the sign-in form instead (issue 18)
    const page = await app.request('/');
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/sign-in?next=%2F');
    for (const p of ['/health', '/ready', '/openapi.json', '/assets/uplot.js', '/docs/assets/swagger-ui.css'])
      expect((await app.request(p)).status, p).toBe(200);
    const key = await authHeader(database, 'write');
    for (const p of ['/metrics', '/docs']) expect((await app.request(p, { headers: key })).status, p).toBe(200);
  });

  it('rate limits /metrics, /openapi.json, /docs, /assets and /ready too', async () => {
    for (const p of ['/metrics', '/openapi.json', '/docs', '/assets/uplot.js', '/docs/assets/init.js', '/ready', '/assets/__proto__']) {
      const { app } = testApp(database, { env: { PULSE_RATE_LIMIT_PER_MIN: '1', PULSE_RATE_LIMIT_BURST: '2' } });
      await app.request(p);
      await app.request(p);
      const third = await app.request(p);
      expect(third.status, p).toBe(429);
      expect(third.headers.get('retry-after'), p).toBeTruthy();
    }
  });

  it('wrong keys are rate limited before the lookup, and a repeated wrong key does not query the database again', async () => {
    let selects = 0;
    const db = new Proxy(database.db, {
      get(target, prop, receiver) {
        if (prop === 'select') selects++;
        return Reflect.get(target, prop, receiver);
      },
    });
    const { createApp } = await import('../src/api/app.ts');
    const app = createApp({
      db,
      database,
      config: testConfig({ PULSE_RATE_LIMIT_PER_MIN: '60', PULSE_RATE_LIMIT_BURST: '5', PULSE_TRUST_PROXY: '1' }),
      clock: fixedClock('2025-07-20T12:00:00Z'),
      logger: silentLogger(),
      model: defaultModel(),
    });
    const guesser = { 'X-Forwarded-For': '198.51.100.1' };
    const wrong = { ...guesser, Authorization: `Bearer pulse_${'A'.repeat(43)}` };
    for (let i = 0; i < 4; i++) expect((await app.request('/api/v1/sources/999999', { headers: wrong })).status).toBe(401);
    expect(selects).toBe(1); // looked up once, then refused from memory
    await app.request('/api/v1/sources/999999', { headers: { ...guesser, Authorization: 'Bearer pulse_guess' } });
    const limited = await app.request('/api/v1/sources/999999', { headers: { ...guesser, Authorization: 'Bearer pulse_guess-next' } });
    expect(limited.status).toBe(429); // five key checks were the burst
    expect(selects).toBe(2); // the limited guess never reached the database
    // the guesser's anonymous reads have a bucket of their own
    expect((await app.request('/api/v1/sources', { headers: guesser })).status).toBe(200);
    // a good key verified once (from elsewhere) then counts against its own bucket, from anywhere
    const good = await authHeader(database, 'write');
    expect((await app.request('/api/v1/sources', { headers: { ...good, 'X-Forwarded-For': '203.0.113.5' } })).status).toBe(200);
    // (a whole burst of them: a sixth would depend on how fast these ran, the bucket refilling meanwhile)
    for (let i = 0; i < 5; i++) expect((await app.request('/api/v1/sources', { headers: { ...good, ...guesser } })).status).toBe(200);
  });

  it('IPv6 clients share a bucket per /64; IPv4-mapped addresses count as IPv4', async () => {
    const table: [string, string][] = [
      ['2001:db8:1:2:aaaa::1', '2001:db8:1:2::/64'],
      ['2001:db8:1:2:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64'],
      ['2001:0db8:0001:0002::', '2001:db8:1:2::/64'],
      ['2001:db8::1', '2001:db8:0:0::/64'],
      ['[2001:db8:1:3::1]', '2001:db8:1:3::/64'],
      ['fe80::1%eth0', 'fe80:0:0:0::/64'],
      ['::ffff:192.0.2.1', '192.0.2.1'],
      ['192.0.2.1', '192.0.2.1'],
      ['::1', '0:0:0:0::/64'],
      ['not an address', 'not an address'],
    ];
    for (const [addr, bucket] of table) expect(clientBucket(addr), addr).toBe(bucket);
    const { app } = testApp(database, { env: { PULSE_RATE_LIMIT_PER_MIN: '60', PULSE_RATE_LIMIT_BURST: '2', PULSE_TRUST_PROXY: '1' } });
    const from = (ip: string) => ({ headers: { 'X-Forwarded-For': ip } });
    expect((await app.request('/api/v1/sources', from('2001:db8:9:9::1'))).status).toBe(200);
    expect((await app.request('/api/v1/sources', from('2001:db8:9:9::2'))).status).toBe(200);
    expect((await app.request('/api/v1/sources', from('2001:db8:9:9:ffff::3'))).status).toBe(429);
    expect((await app.request('/api/v1/sources', from('2001:db8:9:a::1'))).status).toBe(200);
  });

  it("a source's lastError is shown in full to write keys only; others see its kind", async () => {
    const [row] = await database.db
      .insert(sources)
      .values({
        name: 'Intranet',
        url: 'https://intranet.example/feed',
        kind: 'news',
        lastError: 'dns: getaddrinfo ENOTFOUND wiki.corp.internal (10.1.2.3)',
      })
      .returning();
    const { app } = testApp(database);
    const anon = await json(await app.request(`/api/v1/sources/${row!.id}`));
    expect(anon.health.lastError).toBe('dns');
    const list = await json(await app.request('/api/v1/sources'));
    expect(JSON.stringify(list)).not.toContain('corp.internal');
    const write = await json(await app.request(`/api/v1/sources/${row!.id}`, { headers: await authHeader(database, 'write') }));
    expect(write.health.lastError).toContain('wiki.corp.internal');
    await database.db.execute(sql`delete from sources where id = ${row!.id}`);
  });

  it('X-Request-Id is kept only when it is a short token', async () => {
    const { app } = testApp(database);
    const id = async (sent: string) => (await app.request('/health', { headers: { 'X-Request-Id': sent } })).headers.get('x-request-id');
    expect(await id('abc-123_x.y=')).toBe('abc-123_x.y=');
    expect(await id('a'.repeat(64))).toBe('a'.repeat(64));
    for (const bad of ['a'.repeat(65), 'has space', '"},"level":60,"msg":"forged', 'tab\tin', 'ünï'])
      expect(await id(bad), bad).toMatch(/^[0-9a-f-]{36}$/);
    expect(CLIENT_ID.test('x'.repeat(255))).toBe(false);
  });
});

describe('log lines and the HTTP server', () => {
  it('an export that fails mid-stream is logged as JSON and never printed raw to stderr', async () => {
    const { logger, lines } = capturingLogger();
    const hostile = 'studio=x"}\n{"level":60,"msg":"forged';
    const app = new Hono();
    app.get('/export', (c) => {
      let n = 0;
      const failing = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (n++ < 3) controller.enqueue(new TextEncoder().encode('row\n'.repeat(1000)));
          else controller.error(new Error(`query failed: select ... where studio = '${hostile}'`));
        },
      });
      return c.body(guardedBody(c as never, failing, { logger, deadlineMs: 10_000 }), 200, { 'Content-Type': 'text/csv' });
    });
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const infos = vi.spyOn(console, 'info').mockImplementation(() => {});
    const stderr = vi.spyOn(process.stderr, 'write');
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((r) => server.once('listening', r));
    try {
      const { port } = server.address() as { port: number };
      const res = await fetch(`http://127.0.0.1:${port}/export`);
      await expect(res.text()).rejects.toThrow(); // the transfer is broken, not a complete-looking file
      await new Promise((r) => setTimeout(r, 50));
      expect(errors).not.toHaveBeenCalled();
      expect(stderr.mock.calls.map((c) => String(c[0])).join('')).not.toContain('forged');
      const line = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'stream failed mid-way');
      expect(line).toBeDefined();
      for (const l of lines) expect(() => JSON.parse(l)).not.toThrow(); // each line one JSON object: the forged one is escaped
      expect(lines.some((l) => l.startsWith('{"level":60,"msg":"forged'))).toBe(false);
    } finally {
      errors.mockRestore();
      infos.mockRestore();
      stderr.mockRestore();
      await new Promise((r) => server.close(r));
    }
  });

  it('an export past its deadline is cut and its slot freed', async () => {
    const { logger, lines } = capturingLogger();
    let freed = 0;
    const app = new Hono();
    app.get('/slow', (c) => {
      const slow = new ReadableStream<Uint8Array>({
        async pull(controller) {
          await new Promise((r) => setTimeout(r, 20));
          controller.enqueue(new TextEncoder().encode('row\n'));
        },
      });
      return c.body(guardedBody(c as never, slow, { logger, deadlineMs: 200, onDone: () => freed++ }));
    });
    const res = await app.request('/slow');
    await expect(res.text()).rejects.toThrow(/deadline/);
    expect(freed).toBe(1);
    expect(lines.some((l) => JSON.parse(l).msg === 'stream cut at its deadline')).toBe(true);
  });

  it('tightens node:http timeouts and caps connections per client', { timeout: 30_000 }, async () => {
    const config = testConfig({ PORT: '0', HOST: '127.0.0.1', PULSE_MAX_CONNECTIONS_PER_CLIENT: '3', PULSE_HEADERS_TIMEOUT_MS: '2000' });
    expect(httpServerOptions(testConfig())).toMatchObject({
      headersTimeout: 10_000,
      requestTimeout: 20_000,
      connectionsCheckingInterval: 2000,
    });
    void capConnections;
    const server = await startServer({ config, database, logger: silentLogger(), model: defaultModel() });
    const port = Number(new URL(server.url).port);
    const sockets: Socket[] = [];
    try {
      const closed: boolean[] = [];
      for (let i = 0; i < 5; i++) {
        const s = connect(port, '127.0.0.1');
        const k = i;
        closed[k] = false;
        s.on('close', () => (closed[k] = true));
        s.on('error', () => {});
        s.write('GET /health HTTP/1.1\r\nHost: x\r\n'); // a slow header, never finished
        sockets.push(s);
        await new Promise((r) => setTimeout(r, 30));
      }
      await new Promise((r) => setTimeout(r, 300));
      expect(closed).toEqual([false, false, false, true, true]);
      // the limits are the server's (Node drops slow-header connections with a 408 on its sweep)
      const srv = server.server as unknown as { headersTimeout: number; requestTimeout: number };
      expect([srv.headersTimeout, srv.requestTimeout]).toEqual([2000, 4000]);
    } finally {
      for (const s of sockets) s.destroy();
      await server.close();
    }
  });
});
