import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf, type Database } from '../db/client.ts';
import { authHeader, json, testApp } from './helpers/app.ts';
import { freshDatabase } from './helpers/db.ts';
import { makeItems, makeSource } from './helpers/factories.ts';

let database: Database;
let writeKey: Record<string, string>;

/** Values people (and attackers) send: injections, NULs, huge numbers, bad dates and zones, odd unicode. */
const nasty = fc.oneof(
  fc.constantFrom(
    "'; drop table items; --",
    '" or 1=1 --',
    '1; select pg_sleep(10)',
    '\u0000',
    'a\u0000b',
    '%00',
    '../../etc/passwd',
    '%2e%2e%2f',
    '99999999999999999999999',
    '-1',
    '0',
    '1e309',
    'NaN',
    'Infinity',
    '2025-02-30',
    '2025-13-01',
    '0000-00-00',
    '9999-12-31T99:99:99Z',
    'Mars/Olympus',
    'UTC; drop',
    '\u202e\u0627\u0644',
    '😀'.repeat(50),
    'ﬁ',
    'İ',
    '\uFEFF',
    '<script>alert(1)</script>',
    '{"$ne":null}',
    '[]',
    'true',
    'null',
    'x'.repeat(5000),
    ' ',
    '2025-W99',
    '14d',
    '-14d',
    'ndjson',
    'csv',
    'week',
    'studio',
    'Netflix',
    'worry',
    'job_displacement',
  ),
  fc.string({ maxLength: 40 }),
  fc.integer().map(String),
);

function fill(path: string, value: string): string {
  return path.replace(/\{[^}]+\}/g, () => encodeURIComponent(value));
}

async function counts(): Promise<string> {
  const r = rowsOf<Record<string, unknown>>(
    await database.db.execute(
      sql`select (select count(*) from sources) s, (select count(*) from items) i, (select count(*) from api_keys) k, (select count(*) from announcements) a, (select count(*) from webhooks) w, (select count(*) from alerts) al`,
    ),
  );
  return JSON.stringify(r[0], (_, v) => (typeof v === 'bigint' ? Number(v) : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v));
}

beforeAll(async () => {
  database = await freshDatabase();
  writeKey = await authHeader(database, 'write');
  const s = await makeSource(database.db, 'union', 'Fuzz guild');
  await makeItems(database.db, [
    { sourceId: s, publishedAt: new Date('2025-07-18T10:00:00Z'), stance: 'worry', studios: ['Netflix'], title: 'Fuzz item' },
  ]);
});
afterAll(async () => {
  await database?.close();
});

describe('every route under random and adversarial input', () => {
  it('never answers 500, never hangs, always in the error shape, and rejected writes change nothing', { timeout: 240_000 }, async () => {
    const { app } = testApp(database);
    const doc = await json(await app.request('/openapi.json'));
    const operations: { method: string; path: string; params: string[] }[] = [];
    for (const [path, ops] of Object.entries(
      doc.paths as Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>,
    )) {
      for (const [method, op] of Object.entries(ops))
        operations.push({
          method: method.toUpperCase(),
          path,
          params: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
        });
    }
    expect(operations.length).toBeGreaterThan(25);
    const request = fc.record({
      op: fc.constantFrom(...operations),
      pathValue: nasty,
      query: fc.array(
        fc.tuple(
          fc.oneof(
            fc.constantFrom(
              'limit',
              'from',
              'to',
              'q',
              'cursor',
              'tz',
              'format',
              'window',
              'kind',
              'studio',
              'group_by',
              'granularity',
              'rebuild',
            ),
            fc.string({ maxLength: 8 }),
          ),
          nasty,
        ),
        { maxLength: 4 },
      ),
      body: fc.oneof(
        fc.json(),
        nasty,
        fc.constant('{"url": "http://169.254.169.254/", "kind": "news"}'),
        fc.constant('{"texts": ["' + 'a'.repeat(100) + '"]}'),
      ),
      auth: fc.oneof(
        fc.constant(undefined),
        fc.constant('valid'),
        nasty.map((v) => `Bearer ${v}`),
        nasty,
      ),
      contentType: fc.constantFrom('application/json', 'text/plain', 'text/x-opml', 'application/x-www-form-urlencoded', ''),
    });
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const qs = new URLSearchParams(r.query.map(([k, v]) => [k === '' ? 'x' : k, v] as [string, string])).toString();
        const url = `${fill(r.op.path, r.pathValue)}${qs ? `?${qs}` : ''}`;
        const headers: Record<string, string> = {};
        if (r.auth === 'valid') Object.assign(headers, writeKey);
        else if (r.auth !== undefined) headers.Authorization = r.auth.replace(/[\r\n\u0000-\u001f\u007f-\uffff]/g, '');
        if (r.contentType) headers['Content-Type'] = r.contentType;
        const hasBody = r.op.method !== 'GET' && r.op.method !== 'DELETE';
        const before = hasBody || r.op.method === 'DELETE' ? await counts() : '';
        let res: Response;
        try {
          res = await Promise.race([
            app.request(url, { method: r.op.method, headers, body: hasBody ? r.body : undefined }),
            new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`hang: ${r.op.method} ${url}`)), 10_000)),
          ]);
        } catch (err) {
          if (err instanceof TypeError && /URL|header/i.test(err.message)) return; // the client library refused to send it
          throw err;
        }
        expect(res.status, `${r.op.method} ${url}`).toBeLessThan(500);
        if (res.status >= 400) {
          const body = await json(res);
          expect(body.error, `${r.op.method} ${url}`).toMatchObject({
            code: expect.any(String),
            message: expect.any(String),
            requestId: expect.any(String),
          });
          if (before) expect(await counts(), `${r.op.method} ${url}`).toBe(before);
        } else await res.arrayBuffer();
      }),
      { numRuns: 400, seed: 7 },
    );
  });
});

describe('every route, every parameter, with the shapes that used to give 500', () => {
  it('NUL bytes, out-of-range dates and weeks, prototype keys: a 400 or 404 naming the problem, never a 500', {
    timeout: 120_000,
  }, async () => {
    const { app } = testApp(database, { now: '2025-08-01T12:00:00Z' });
    const doc = await json(await app.request('/openapi.json'));
    const values = [
      'a\u0000b',
      '\u0000',
      '0000-01-01',
      '0001-01-01T00:00:00Z',
      '9999-W52',
      '1970-W01',
      'constructor',
      '__proto__',
      'toString',
      'hasOwnProperty',
    ];
    const failures: string[] = [];
    for (const [path, ops] of Object.entries(
      doc.paths as Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>,
    )) {
      for (const [method, op] of Object.entries(ops)) {
        const params = (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
        for (const v of values) {
          const urls = [fill(path, v), ...params.map((p) => `${fill(path, '1')}?${new URLSearchParams({ [p]: v })}`)];
          for (const url of urls) {
            const body =
              method === 'get' || method === 'delete'
                ? undefined
                : JSON.stringify({
                    title: v,
                    url: v,
                    name: v,
                    texts: [v],
                    kind: 'news',
                    date: '2025-07-17',
                    ['__proto__']: { admin: true },
                  });
            const res = await app.request(url, {
              method: method.toUpperCase(),
              headers: { ...writeKey, 'Content-Type': 'application/json' },
              body,
            });
            if (res.status >= 500) failures.push(`${method.toUpperCase()} ${url} -> ${res.status}`);
            await res.arrayBuffer();
          }
        }
      }
    }
    for (const asset of [
      '/assets/constructor',
      '/assets/__proto__',
      '/docs/assets/constructor',
      '/docs/assets/__proto__',
      '/assets/toString',
    ]) {
      const res = await app.request(asset);
      if (res.status !== 404) failures.push(`${asset} -> ${res.status}`);
    }
    expect(failures).toEqual([]);
  });

  it('names the parameter that holds a NUL, in the query and in a JSON body', async () => {
    const { app } = testApp(database);
    const q = await app.request('/api/v1/items?studio=Net%00flix');
    expect(q.status).toBe(400);
    expect((await json(q)).error.message).toBe('studio: contains a NUL character');
    const b = await app.request('/api/v1/classify', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ texts: ['fine', 'bad\u0000text'] }),
    });
    expect(b.status).toBe(400);
    expect((await json(b)).error.message).toBe('texts.1: contains a NUL character');
  });
});

describe('the hostile shapes of the hardening issue, on every route', () => {
  it('wrong keys, forged request ids and addresses, junk spellings, huge ranges, anonymous big bodies: never a 5xx, always the error shape', {
    timeout: 240_000,
  }, async () => {
    const { app } = testApp(database, { env: { PULSE_TRUST_PROXY: '1', PULSE_CACHE_TTL_MS: '60000' } });
    const doc = await json(await app.request('/openapi.json'));
    const paths = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => [m.toUpperCase(), p.replace(/\{[^}]+\}/g, '1')] as const),
    );
    const extra = [
      '/',
      '/docs',
      '/metrics',
      '/assets/uplot.js',
      '/assets/constructor',
      '/docs/assets/__proto__',
      '/announcements/1',
      '/ready',
    ].map((p) => ['GET', p] as const);
    const shapes: { query?: string; headers?: Record<string, string>; body?: string }[] = [
      { headers: { Authorization: `Bearer pulse_${'x'.repeat(43)}` } },
      { headers: { Authorization: 'Bearer ' + 'k'.repeat(512) } },
      { headers: { 'X-Request-Id': '"},"level":60,"msg":"forged' } },
      { headers: { 'X-Request-Id': 'r'.repeat(300) } },
      { headers: { 'X-Forwarded-For': '2001:db8::1, 2001:db8:0:0:ffff::2' } },
      { headers: { 'X-Forwarded-For': 'not-an-ip\u00ff\u0085' } },
      { query: 'from=2015-08-01&to=2025-07-20&granularity=day&group_by=studio' },
      { query: 'from=1900-01-01&to=2200-01-01&granularity=day' },
      { query: 'granularity=week&granularity=day' },
      { query: 'studio=NETFLIX&studio=netflix' },
      { query: 'junk=1&__proto__=x' },
      { query: 'q=' + encodeURIComponent('\u202e<script>'.repeat(40)) },
      { body: JSON.stringify({ texts: ['x'.repeat(19_999)].concat(Array(30).fill('y'.repeat(10_000))) }) },
      { body: JSON.stringify({ title: 'a\u202eb', url: 'javascript:alert(1)', date: '2025-07-17', studio: 'Netflix' }) },
    ];
    const failures: string[] = [];
    for (const [method, path] of [...paths, ...extra]) {
      for (const s of shapes) {
        const url = s.query ? `${path}?${s.query}` : path;
        const hasBody = method !== 'GET' && method !== 'DELETE';
        const res = await app.request(url, {
          method,
          headers: { 'Content-Type': 'application/json', ...(s.headers ?? {}) },
          body: hasBody ? (s.body ?? '{}') : undefined,
        });
        if (res.status >= 500) failures.push(`${method} ${url} ${JSON.stringify(s.headers ?? {})} -> ${res.status}`);
        const id = res.headers.get('x-request-id') ?? '';
        if (!/^[A-Za-z0-9_.=-]{1,64}$/.test(id)) failures.push(`${method} ${url}: request id ${id}`);
        if (res.status >= 400 && res.headers.get('content-type')?.includes('json')) {
          const body = await json(res);
          if (typeof body.error?.code !== 'string') failures.push(`${method} ${url}: no error shape`);
        } else await res.arrayBuffer();
      }
    }
    expect(failures).toEqual([]);
  });
});
