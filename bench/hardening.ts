/**
 * The hardening issue's measurements (issue 19), on a file-backed PGlite with 50,000 labelled
 * items over three years, through a real socket (`startServer`):
 *   (a) text scanning the hardening added (feed cutting, bidi stripping) and the classifier's
 *       preparation of hostile text, each as a ratio to plain text of the same length;
 *   (b) 10,000 hostile requests across every route: count of 5xx, RSS against the cache budget;
 *   (c) one anonymous client at its full allowed rate on the most expensive routes while another
 *       reads cached trends: the other client's p99;
 *   (d) each of those routes served once, alone: its time, and the longest the event loop was held.
 *
 *   node --import tsx bench/hardening.ts
 *   BENCH_HOSTILE_REQUESTS=2000 node --import tsx bench/hardening.ts   (a shorter (b))
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node --import tsx bench/hardening.ts
 *       (the same data in a PostgreSQL database of its own, pulse_bench_hardening, made afresh)
 *   BENCH_PARTS=a,c node --import tsx bench/hardening.ts   (some parts only)
 *
 * On PGlite the database runs on the server's own thread: a query of 1 s holds every other
 * request for 1 s, whatever the limits. (c) is therefore measured on both.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../db/client.ts';
import { migrate } from '../db/migrate.ts';
import { rebuildDirtyDays } from '../db/queries/rollups.ts';
import { defaultModel } from '../src/classify/model.ts';
import { loadConfig } from '../src/config.ts';
import postgres from 'postgres';
import { cutFeed } from '../src/ingest/feed-cut.ts';
import { stripBidiControls } from '../src/ingest/bidi.ts';
import { htmlToText } from '../src/ingest/text.ts';
import { silentLogger } from '../src/logger.ts';
import { startServer } from '../src/server.ts';
import { report } from './lib.ts';
import { DEFAULT_ANNOUNCEMENTS } from '../db/seed/announcements.ts';
import { seedAnnouncementsOnce } from '../src/services/announcements.ts';

const figures: Record<string, unknown> = {};
const HOSTILE = Number(process.env.BENCH_HOSTILE_REQUESTS ?? 10_000);
const PARTS = new Set((process.env.BENCH_PARTS ?? 'a,b,c,d').split(','));
const PG_ADMIN = process.env.BENCH_DATABASE_URL;

// (a) ------------------------------------------------------------------------------------------
function timeOf(f: () => unknown, minMs = 200): number {
  let runs = 0;
  const start = performance.now();
  while (performance.now() - start < minMs) {
    f();
    runs++;
  }
  return (performance.now() - start) / runs;
}
const SIZE = 100_000;
const plain = 'Studios and guilds argue over generative AI in film. '.repeat(SIZE / 53).slice(0, SIZE);
const hostile: Record<string, string> = {
  '<a x N': '<a'.repeat(SIZE / 2),
  '<p  x N': '<p '.repeat(SIZE / 3).slice(0, SIZE),
  '<item x N': '<item'.repeat(SIZE / 5),
  'nested quotes': '"\'"\''.repeat(SIZE / 4),
  'entity run': '&amp;'.repeat(SIZE / 5),
  'bidi run': '\u202e\u2066a'.repeat(SIZE / 3).slice(0, SIZE),
  'one long word': 'a'.repeat(SIZE),
};
const model = defaultModel();
const scanners: Record<string, (t: string) => unknown> = {
  cutFeed: (t) => cutFeed(t, { maxItems: 5000, maxChars: 4 * 1024 * 1024 }),
  htmlToText,
  // a stored title or summary: text from HTML, then bidi controls removed (src/ingest/normalise.ts).
  // stripBidiControls alone is not compared with plain text: on text without a control it returns
  // at once (plain costs ~0), so any ratio is meaningless; its cost per character is in '(ms)'.
  storedText: (t) => stripBidiControls(htmlToText(t)),
  stripBidiControls,
  // the classifier's own preparation (tokenising, features) of a text at the API's 20,000-character cap
  classify: (t) => model.classify(t.slice(0, 20_000)),
};
const ratios: Record<string, Record<string, number>> = {};
for (const [name, scan] of Object.entries(PARTS.has('a') ? scanners : {})) {
  const base = timeOf(() => scan(plain));
  ratios[name] = { plainMs: Math.round(base * 10_000) / 10_000 };
  for (const [shape, text] of Object.entries(hostile)) {
    const ms = timeOf(() => scan(text));
    ratios[name]![shape] = Math.round((ms / base) * 100) / 100;
    ratios[name]![`${shape} (ms)`] = Math.round(ms * 10_000) / 10_000;
  }
}
figures.a_textScanRatio = { textLength: SIZE, note: 'time on the hostile shape / time on plain text of the same length', ...ratios };

// data ----------------------------------------------------------------------------------------
const dir = mkdtempSync(join(tmpdir(), 'pulse-bench-hardening-'));
let databaseUrl = '';
if (PG_ADMIN) {
  const admin = postgres(PG_ADMIN, { max: 1, onnotice: () => {} });
  await admin.unsafe('drop database if exists pulse_bench_hardening with (force)');
  await admin.unsafe('create database pulse_bench_hardening');
  await admin.end();
  const u = new URL(PG_ADMIN);
  u.pathname = '/pulse_bench_hardening';
  databaseUrl = u.toString();
}
figures.database = PG_ADMIN ? 'postgresql' : 'pglite (file)';
const database = await openDatabase({ databaseUrl, dataDir: dir });
await migrate(database);
// the announcements a server seeds at start, so /api/v1/announcements/1/reaction has one to answer for
await seedAnnouncementsOnce({ db: database.db }, DEFAULT_ANNOUNCEMENTS);
await database.db.execute(
  sql`insert into sources (name, url, kind) select 'Bench ' || g, 'https://bench.example.org/' || g, (array['news','union','studio','opinion'])[1 + g % 4]::source_kind from generate_series(1, 40) g`,
);
await database.db.execute(sql`insert into items (source_id, url, title, summary, published_at, fetched_at, content_hash, studios, unions, concerns, status, relevant, stance, confidence, explanation, model, classified_at)
  select 1 + g % 40, 'https://history.example.org/' || g, 'Guild reacts to studio AI ' || g, 'Summary ' || g, now() - (g % 1095) * interval '1 day', now(), md5(g::text),
    array[(array['Netflix','Disney','Sony','Paramount','Amazon MGM','Lionsgate','A24'])[1 + (g / 3) % 7]], array[(array['SAG-AFTRA','WGA','Equity','IATSE'])[1 + g % 4]],
    array[(array['job_displacement','consent_likeness','compensation','credit_attribution'])[1 + g % 4]], 'classified', true, (array['excitement','worry','neutral'])[1 + g % 3]::stance, 0.8, '{"terms":[],"sentence":"q"}', 'bench', now()
  from generate_series(1, 50000) g`);
await database.db.execute(
  sql`insert into rollup_dirty_days (day) select distinct (published_at at time zone 'UTC')::date from items on conflict do nothing`,
);
while ((await rebuildDirtyDays(database.db, { limit: 500 })).remaining > 0);

const env = {
  ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  PULSE_DATA_DIR: dir,
  PORT: '0',
  HOST: '127.0.0.1',
  PULSE_LOG_LEVEL: 'silent',
  PULSE_TRUST_PROXY: '1',
  PULSE_CACHE_TTL_MS: '30000',
};

// (b) ------------------------------------------------------------------------------------------
if (PARTS.has('b')) {
  const config = loadConfig({ ...env, PULSE_RATE_LIMIT_PER_MIN: '10000000', PULSE_RATE_LIMIT_BURST: '100000' });
  const server = await startServer({ config, database, logger: silentLogger(), model });
  const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
  const routes = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => [m.toUpperCase(), p] as const));
  routes.push(['GET', '/'], ['GET', '/docs'], ['GET', '/metrics'], ['GET', '/assets/constructor'], ['GET', '/announcements/1']);
  const values = [
    '\u0000',
    '__proto__',
    '2015-01-01',
    '9999-99-99',
    'x'.repeat(3000),
    '\u202e',
    "'; drop table items; --",
    '-1',
    'day',
    'studio',
    'NaN',
    '2001:db8::1',
  ];
  const params = ['from', 'to', 'granularity', 'group_by', 'studio', 'q', 'limit', 'cursor', 'junk', 'format', 'window', 'tz'];
  let seed = 19;
  const rand = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  const statuses: Record<string, number> = {};
  let fiveXX = 0;
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 50);
  let sent = 0;
  const started = performance.now();
  const worker = async () => {
    while (sent < HOSTILE) {
      sent++;
      if (sent % 1000 === 0) process.stderr.write(`(b) ${sent} sent\n`);
      const [method, path] = routes[rand(routes.length)]!;
      const v = values[rand(values.length)]!;
      const qs = new URLSearchParams();
      for (let i = rand(4); i > 0; i--) qs.append(params[rand(params.length)]!, values[rand(values.length)]!);
      // every tenth request is a large, uncached grouped trend with a fresh range
      if (sent % 10 === 0) {
        qs.set('from', `20${String(15 + rand(9))}-0${1 + rand(9)}-1${rand(9)}`);
        qs.set('granularity', 'day');
        qs.set('group_by', 'studio');
      }
      const url = `${server.url}${path.replace(/\{[^}]+\}/g, encodeURIComponent(v))}${qs.size ? `?${qs}` : ''}`;
      const headers: Record<string, string> = { 'Content-Type': 'application/json', 'X-Forwarded-For': `198.51.100.${rand(250)}` };
      if (rand(3) === 0) headers.Authorization = `Bearer pulse_${rand(1e6)}`;
      try {
        const res = await fetch(sent % 10 === 0 ? `${server.url}/api/v1/trends?${qs}` : url, {
          method: sent % 10 === 0 ? 'GET' : method,
          headers,
          body: method === 'GET' || method === 'DELETE' || sent % 10 === 0 ? undefined : JSON.stringify({ texts: [v], url: v, title: v }),
        });
        await res.arrayBuffer();
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        if (res.status >= 500) fiveXX++;
      } catch {
        statuses.network = (statuses.network ?? 0) + 1;
      }
    }
  };
  // eight at once: the process's expensive-read slots (PULSE_EXPENSIVE_TOTAL), so a 503 here would
  // be a failure, not deliberate shedding
  await Promise.all(Array.from({ length: config.expensive.total }, worker));
  clearInterval(sampler);
  await server.close();
  const mb = (b: number) => Math.round(b / 1024 / 1024);
  figures.b_hostileRequests = {
    requests: HOSTILE,
    concurrency: config.expensive.total,
    seconds: Math.round((performance.now() - started) / 100) / 10,
    fiveXX,
    statuses,
    rssBeforeMB: mb(rssBefore),
    rssPeakMB: mb(rssPeak),
    rssGrowthMB: mb(rssPeak - rssBefore),
    cacheBudgetMB: mb(config.cacheMaxBytes),
    statedMarginMB: 150,
    withinBudgetPlusMargin: rssPeak - rssBefore <= config.cacheMaxBytes + 150 * 1024 * 1024,
  };
}

// (c) ------------------------------------------------------------------------------------------
/** The routes an anonymous client can make the most expensive, in (c) and (d). */
const EXPENSIVE = [
  '/api/v1/items/export',
  '/',
  '/api/v1/trends?granularity=day&group_by=studio&from=2015-08-01',
  '/api/v1/items?q=guild%20studio&limit=200',
  '/api/v1/announcements/1/reaction?window=90d',
];
if (PARTS.has('c')) {
  const config = loadConfig(env); // default limits: 600/min, burst 120, 2 expensive at once per client
  const server = await startServer({ config, database, logger: silentLogger(), model });
  const cached = `${server.url}/api/v1/trends?granularity=week&group_by=studio&from=2024-01-01&to=2025-01-01`;
  await (await fetch(cached, { headers: { 'X-Forwarded-For': '203.0.113.2' } })).arrayBuffer();
  const seconds = 20;
  let n = 0;
  const expensive = EXPENSIVE;
  const attacker = autocannon({
    url: server.url,
    connections: 4,
    overallRate: 10, // the allowed sustained rate (600/min), after the burst
    duration: seconds,
    headers: { 'X-Forwarded-For': '198.51.100.66' },
    // a fresh uncached trend range each time round, so the attacker never hits the cache
    requests: [
      {
        setupRequest: ((req: { path?: string }) => ({
          ...req,
          path: `${expensive[n++ % expensive.length]}${n % 5 === 3 ? `&to=2025-0${1 + (n % 9)}-01` : ''}`,
        })) as never,
      },
    ],
  });
  // the reader stays inside its own allowance (600/min after a burst of 120): every answer it
  // gets should be a 200, so its latency is that of served answers, not of fast 429s
  const reader = autocannon({
    url: cached,
    connections: 2,
    overallRate: 9,
    duration: seconds,
    headers: { 'X-Forwarded-For': '203.0.113.2' },
  });
  const [a, r] = await Promise.all([attacker, reader]);
  await server.close();
  figures.c_isolation = {
    seconds,
    attacker: {
      requests: a.requests.total,
      non2xx: a.non2xx,
      p99Ms: a.latency.p99,
      statuses: { '2xx': a['2xx'], '4xx': a['4xx'], '5xx': a['5xx'] },
    },
    cachedReader: { requests: r.requests.total, non2xx: r.non2xx, p50Ms: r.latency.p50, p99Ms: r.latency.p99, maxMs: r.latency.max },
    readerP99Under200Ms: r.latency.p99 < 200,
  };
}

// (d) ------------------------------------------------------------------------------------------
// Why (c) is what it is: each expensive route served once, alone and uncached, with the longest
// time the event loop was held meanwhile (on PGlite, a query holds it for as long as it runs).
if (PARTS.has('d')) {
  const config = loadConfig(env);
  const server = await startServer({ config, database, logger: silentLogger(), model });
  const routes: Record<string, { ms: number; loopHeldMs: number; status: number }> = {};
  let client = 0;
  for (const path of EXPENSIVE) {
    // a 1 ms ticker: the longest gap between its ticks is the longest the loop was held
    let last = performance.now();
    let held = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      held = Math.max(held, now - last);
      last = now;
    }, 1);
    const t = performance.now();
    const res = await fetch(`${server.url}${path}`, { headers: { 'X-Forwarded-For': `198.51.100.${++client}` } });
    await res.arrayBuffer();
    const ms = performance.now() - t;
    clearInterval(ticker);
    routes[path] = { ms: Math.round(ms), loopHeldMs: Math.round(held), status: res.status };
  }
  await server.close();
  figures.d_expensiveRoutes = routes;
}

await database.close();
rmSync(dir, { recursive: true, force: true });
report(PG_ADMIN ? 'hardening-postgres' : 'hardening', figures, { merge: PARTS.size < 4 });
