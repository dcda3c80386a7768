/**
 * Researcher API at scale: 1,000,000 synthetic labelled items over two years in PostgreSQL.
 * Reports p50/p95 latency of weekly trends for one studio over one year, a full-text search and
 * an announcement reaction; requests/s for trends under autocannon beside a trivial Hono route;
 * and peak RSS of the server while it streams an export of every row.
 *
 *   node --import tsx bench/trends.ts          (BENCH_DATABASE_URL, default the local test server)
 *   BENCH_ITEMS=200000 node --import tsx bench/trends.ts
 *   BENCH_ITEMS=10000000 BENCH_REUSE=1 node --import tsx bench/trends.ts
 *
 * BENCH_REUSE=1 keeps a database an earlier run loaded with the same BENCH_ITEMS (loading 10M
 * items takes the better part of half an hour); BENCH_LOAD_ONLY=1 loads and stops.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import postgres from 'postgres';
import { report, syntheticItemsSql } from './lib.ts';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 1_000_000);
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const dbName = 'pulse_bench_trends';
const u = new URL(adminUrl);
u.pathname = `/${dbName}`;
const dbUrl = u.toString();
const PORT = 3990;
const TRIVIAL_PORT = 3991;
const UNCACHED_PORT = 3992;
const bin = fileURLToPath(new URL('../bin/pulse.js', import.meta.url));
const base = `http://127.0.0.1:${PORT}`;
const uncachedBase = `http://127.0.0.1:${UNCACHED_PORT}`;

function start(args: string[], env: Record<string, string>, ready: RegExp): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const on = (d: Buffer) => {
      out += d;
      if (ready.test(out)) resolve(child);
    };
    child.stdout!.on('data', on);
    child.stderr!.on('data', on);
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

async function loaded(): Promise<boolean> {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  const [exists] = await admin`select 1 from pg_database where datname = ${dbName}`;
  await admin.end();
  if (!exists) return false;
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  // the loader writes this marker last, so a load that stopped halfway is never reused
  const [row] = await sql`select value from meta where key = 'bench_items'`.catch(() => []);
  await sql.end();
  return Number(row?.value) === ITEMS;
}

async function load() {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${dbName} with (force)`);
  await admin.unsafe(`create database ${dbName}`);
  await admin.end();
  // migrate through Pulse itself
  await new Promise<void>((resolve, reject) => {
    const c = spawn(process.execPath, [bin, 'migrate'], { env: { ...process.env, DATABASE_URL: dbUrl }, stdio: 'inherit' });
    c.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`migrate exited ${code}`))));
  });
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  await sql.unsafe(
    `insert into sources (name, url, kind) select 'Source ' || g, 'https://bench.example.org/' || g, (array['news','union','studio','opinion'])[1 + g % 4]::source_kind from generate_series(1, 40) g`,
  );
  const started = performance.now();
  await sql.unsafe(`select setseed(0.42)`);
  // in slices, so a long load shows progress and no one statement holds millions of rows
  const SLICE = 500_000;
  for (let from = 1; from <= ITEMS; from += SLICE) {
    const to = Math.min(ITEMS, from + SLICE - 1);
    await sql.unsafe(syntheticItemsSql(from, to));
    if (ITEMS > SLICE) console.error(`loaded ${to} of ${ITEMS} items (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  }
  await sql.unsafe(`update items set concerns = '{}' where stance <> 'worry' and concerns <> '{}'`);
  const loadSeconds = (performance.now() - started) / 1000;
  await sql.unsafe(
    `insert into rollup_dirty_days (day) select distinct (published_at at time zone 'UTC')::date from items on conflict do nothing`,
  );
  await sql.unsafe(
    `insert into announcements (title, studio, date, keywords) values ('Bench announcement', 'Netflix', '2025-07-17', array['generative AI'])`,
  );
  await sql.unsafe('vacuum analyze');
  await sql.end();
  return loadSeconds;
}

/**
 * The rollup job's work: rebuild every dirty day once, then cache each announcement's reaction
 * counts (what a running deployment keeps current). Returns the seconds each part took.
 */
async function rebuildRollups() {
  const { openDatabase } = await import('../db/client.ts');
  const { rebuildDirtyDays } = await import('../db/queries/rollups.ts');
  const { refreshReactionBuckets } = await import('../src/services/reactions.ts');
  const d = await openDatabase({ databaseUrl: dbUrl, dataDir: '' });
  const rebuild = performance.now();
  let left = 1;
  while (left > 0) left = (await rebuildDirtyDays(d.db, { limit: 200 })).remaining;
  const rollups = (performance.now() - rebuild) / 1000;
  const build = performance.now();
  left = 1;
  while (left > 0) left = (await refreshReactionBuckets({ db: d.db }, { limit: 1 })).remaining;
  const reactions = (performance.now() - build) / 1000;
  // and the recent search index's window (the rollup job moves it)
  const { refreshSearchWindow } = await import('../src/services/jobs.ts');
  const moving = performance.now();
  const window = await refreshSearchWindow({ db: d.db });
  const searchWindow = { seconds: +((performance.now() - moving) / 1000).toFixed(1), items: window.items };
  // what autovacuum does after tables change this much: without it the planner takes the
  // rebuilt rollups for a handful of rows
  const { sql } = await import('drizzle-orm');
  await d.db.execute(sql`analyze daily_rollups, rollup_values, reaction_buckets, recent_search`);
  await d.close();
  return { rollups, reactions, searchWindow };
}

/**
 * Latency of `runs` requests. Uncached figures come from a second server whose response cache is
 * off (PULSE_CACHE_TTL_MS=0): Pulse rejects unknown parameters, so none can be added to miss it.
 */
async function latency(url: string, runs: number, fresh = true) {
  const times: number[] = [];
  let last: unknown;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const res = await fetch(fresh ? url.replace(base, uncachedBase) : url);
    last = res.headers.get('content-type')?.includes('json') ? await res.json() : await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}`);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const q = (p: number) => +times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(1);
  const figure = { p50: q(0.5), p95: q(0.95), runs };
  // each figure as it is made: a long run that fails later keeps what it measured
  console.error(url.replace(/^http:\/\/[^/]+/, ''), JSON.stringify(figure));
  const page = last as { total?: number; totalRelation?: string } | undefined;
  return page && typeof page === 'object' && 'totalRelation' in page
    ? { ...figure, total: page.total, totalRelation: page.totalRelation }
    : figure;
}

function autocannonRun(url: string, duration: number) {
  return new Promise<{ requestsPerSecond: number; p99: number; errors: number; non2xx: number }>((resolve, reject) => {
    autocannon({ url, connections: 20, duration }, (err, r) => {
      if (err) return reject(err);
      resolve({ requestsPerSecond: Math.round(r.requests.average), p99: r.latency.p99, errors: r.errors, non2xx: r.non2xx });
    });
  });
}

/** Requests/s over 10 s, after 2 s of the same load to warm the JIT (the same for both servers). */
async function cannon(url: string) {
  await autocannonRun(url, 2);
  return autocannonRun(url, 10);
}

async function rssOf(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
}

const reuse = process.env.BENCH_REUSE === '1' && (await loaded());
let loadSeconds: number | null = null;
if (!reuse) {
  loadSeconds = await load();
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  await sql`insert into meta (key, value) values ('bench_items', ${sql.json(ITEMS)}) on conflict (key) do update set value = excluded.value`;
  await sql.end();
}
// a reused database may predate a migration: the servers below migrate it, the rebuild needs it now
await new Promise<void>((resolve, reject) => {
  const c = spawn(process.execPath, [bin, 'migrate'], { env: { ...process.env, DATABASE_URL: dbUrl }, stdio: 'inherit' });
  c.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`migrate exited ${code}`))));
});
const rebuilt = await rebuildRollups();
if (process.env.BENCH_LOAD_ONLY === '1') {
  console.log(JSON.stringify({ items: ITEMS, loadSeconds, rebuilt }));
  process.exit(0);
}
// Logs at warn: a log line per request would measure the pipe to this process, not Pulse.
// rate limits off: this measures Pulse, not its limiter
const serverEnv = {
  ...process.env,
  DATABASE_URL: dbUrl,
  HOST: '127.0.0.1',
  PULSE_LOG_LEVEL: 'warn',
  PULSE_SEED_SOURCES: 'false',
  PULSE_RATE_LIMIT_PER_MIN: '10000000',
  PULSE_RATE_LIMIT_BURST: '100000',
  // 10M rows take longer than the default five minutes to stream
  PULSE_EXPORT_TIMEOUT_MS: '3600000',
};
/** Starts `pulse serve --no-jobs` with `env` and resolves once /health answers on `port`. */
async function serve(port: number, env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, [bin, 'serve', '--no-jobs'], {
    env: { ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; ; i++) {
    if (i > 200) throw new Error(`the server on port ${port} did not start`);
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return child;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const server = await serve(PORT, serverEnv);
// the same server with its response cache off, for the uncached figures
const uncached = await serve(UNCACHED_PORT, { ...serverEnv, PULSE_CACHE_TTL_MS: '0' });

const trivial = await start(['--import', 'tsx', fileURLToPath(new URL('./trivial-server.ts', import.meta.url))], {}, /ready/);

try {
  const trendsUrl = `${base}/api/v1/trends?studio=Netflix&granularity=week&from=2025-01-01&to=2026-01-01`;
  const figures = {
    items: ITEMS,
    loadSeconds: loadSeconds === null ? 'reused' : +loadSeconds.toFixed(1),
    // with a reused database, only what changed since is rebuilt
    rollupRebuildSeconds: +rebuilt.rollups.toFixed(1),
    reactionCacheSeconds: +rebuilt.reactions.toFixed(1),
    searchWindow: rebuilt.searchWindow,
    latencyMsUncached: {
      weeklyTrendsOneStudioOneYear: await latency(trendsUrl, 60),
      weeklyTrendsGroupedByStudio: await latency(
        `${base}/api/v1/trends?group_by=studio&granularity=week&from=2025-01-01&to=2026-01-01`,
        30,
      ),
      fullTextSearch: await latency(`${base}/api/v1/items?q=${encodeURIComponent('digital replicas Netflix')}&limit=50`, 40),
      reaction: await latency(`${base}/api/v1/announcements/1/reaction?window=14d`, 30),
      // the explorer page with no filter: charts, menus, the source table and the latest items
      dashboard: await latency(`${base}/`, 20),
    },
    latencyMsCached: {
      weeklyTrendsOneStudioOneYear: await latency(trendsUrl, 60, false),
    },
    throughput: {
      trends: await cannon(trendsUrl),
      trivialHonoRoute: await cannon(`http://127.0.0.1:${TRIVIAL_PORT}/`),
    },
    export: {} as Record<string, number | string>,
  };
  // BENCH_EXPORT=0: the export (12 minutes at 10M rows) is left out; its last figures are kept
  const exporting = process.env.BENCH_EXPORT !== '0';
  const rssBefore = await rssOf(server.pid!);
  let peak = rssBefore;
  const sampler = setInterval(async () => (peak = Math.max(peak, await rssOf(server.pid!).catch(() => 0))), 50);
  const t = performance.now();
  const res = await fetch(exporting ? `${base}/api/v1/items/export?format=csv` : `${base}/health`);
  let bytes = 0;
  let lines = 0;
  let failed: string | null = null;
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      for (const b of chunk) if (b === 10) lines++;
    }
  } catch (err) {
    // a cut stream is a result too: how far it got is reported with the reason
    failed = String((err as Error).cause ?? err);
  }
  clearInterval(sampler);
  figures.export = {
    rows: lines - 1,
    megabytes: Math.round(bytes / 1e6),
    seconds: +((performance.now() - t) / 1000).toFixed(1),
    serverRssBeforeMb: rssBefore,
    serverPeakRssMb: peak,
    ...(failed ? { failed } : {}),
  };
  const ratio = figures.throughput.trends.requestsPerSecond / figures.throughput.trivialHonoRoute.requestsPerSecond;
  const { export: exported, ...rest } = figures;
  report('trends', { ...rest, ...(exporting ? { export: exported } : {}), trendsShareOfTrivial: +ratio.toFixed(3) }, { merge: !exporting });
} finally {
  server.kill('SIGTERM');
  uncached.kill('SIGTERM');
  trivial.kill('SIGTERM');
}
