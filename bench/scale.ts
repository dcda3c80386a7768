/**
 * Full-text search and announcement reaction latency at a larger scale than bench/trends.ts:
 * BENCH_ITEMS synthetic labelled items (syntheticItemsSql, as bench/trends.ts) in PostgreSQL,
 * answered through the app (app.request, no port, response cache off), with the query plans of
 * the search and the machine's load average recorded beside the figures.
 *
 *   BENCH_ITEMS=2000000 node --import tsx bench/scale.ts
 */
import { loadavg } from 'node:os';
import postgres from 'postgres';
import { openDatabase } from '../db/client.ts';
import { migrate } from '../db/migrate.ts';
import { rebuildRollups } from '../src/services/jobs.ts';
import { createApp } from '../src/api/app.ts';
import { systemClock } from '../src/clock.ts';
import { loadConfig } from '../src/config.ts';
import { silentLogger } from '../src/logger.ts';
import { defaultModel } from '../src/classify/model.ts';
import { report, syntheticItemsSql } from './lib.ts';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 2_000_000);
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const dbName = 'pulse_bench_scale';
const u = new URL(adminUrl);
u.pathname = `/${dbName}`;
const dbUrl = u.toString();

const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`drop database if exists ${dbName} with (force)`);
await admin.unsafe(`create database ${dbName}`);
await admin.end();
const database = await openDatabase({ databaseUrl: dbUrl, dataDir: '' });
await migrate(database);
const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
await sql.unsafe(
  `insert into sources (name, url, kind) select 'Source ' || g, 'https://bench.example.org/' || g, (array['news','union','studio','opinion'])[1 + g % 4]::source_kind from generate_series(1, 40) g`,
);
const loadStarted = performance.now();
await sql.unsafe(`select setseed(0.42)`);
// in slices, so a slow machine shows progress
const SLICE = 250_000;
for (let from = 1; from <= ITEMS; from += SLICE) {
  const to = Math.min(ITEMS, from + SLICE - 1);
  await sql.unsafe(syntheticItemsSql(from, to));
  console.error(
    `loaded ${to} of ${ITEMS} items (${((performance.now() - loadStarted) / 1000).toFixed(0)} s, load average ${loadavg()[0]!.toFixed(1)})`,
  );
}
await sql.unsafe(`update items set concerns = '{}' where stance <> 'worry' and concerns <> '{}'`);
const loadSeconds = +((performance.now() - loadStarted) / 1000).toFixed(1);
await sql.unsafe(
  `insert into rollup_dirty_days (day) select distinct (published_at at time zone 'UTC')::date from items on conflict do nothing`,
);
await sql.unsafe(
  `insert into announcements (title, studio, date, keywords) values ('Bench announcement', 'Netflix', '2025-07-17', array['generative AI'])`,
);
await sql.unsafe('vacuum analyze');
let left = 1;
while (left > 0) left = (await rebuildRollups({ db: database.db }, { limit: 200 })).remaining;

const config = loadConfig({
  DATABASE_URL: dbUrl,
  PULSE_CACHE_TTL_MS: '0',
  PULSE_RATE_LIMIT_PER_MIN: '10000000',
  PULSE_RATE_LIMIT_BURST: '100000',
  PULSE_LOG_LEVEL: 'silent',
});
const app = createApp({ db: database.db, database, config, clock: systemClock, logger: silentLogger(), model: defaultModel() });

async function latency(path: string, runs: number) {
  const times: number[] = [];
  const load: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const res = await app.request(path);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status}`);
    times.push(performance.now() - t);
    load.push(loadavg()[0]!);
  }
  times.sort((a, b) => a - b);
  const q = (p: number) => +times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(1);
  return { p50: q(0.5), p95: q(0.95), runs, loadAverage: +(load.reduce((a, b) => a + b, 0) / load.length).toFixed(1) };
}

const searchPath = `/api/v1/items?q=${encodeURIComponent('digital replicas Netflix')}&limit=50`;
await latency(searchPath, 3); // warm the cache of pages
const figures = {
  items: ITEMS,
  loadSeconds,
  latencyMsUncached: {
    fullTextSearch: await latency(searchPath, 40),
    reaction: await latency('/api/v1/announcements/1/reaction?window=14d', 30),
  },
  searchPlan: (
    await sql.unsafe(
      `explain (analyze, buffers, format text) select id from items where search @@ websearch_to_tsquery('english', 'digital replicas Netflix') order by ts_rank_cd(search, websearch_to_tsquery('english', 'digital replicas Netflix')) desc, id limit 50`,
    )
  ).map((r) => (r as Record<string, string>)['QUERY PLAN']),
};
await sql.end();
await database.close();
report(`scale-${ITEMS}`, figures);
