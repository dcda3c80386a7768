/**
 * Ingest throughput: a local server serves 20 feeds x 500 items; Pulse fetches, parses,
 * normalises and stores them all. Prints new items/s and peak RSS for PGlite and PostgreSQL.
 *
 *   node --import tsx bench/ingest.ts            # both backends (PostgreSQL at BENCH_DATABASE_URL
 *                                                # or postgres://postgres@127.0.0.1:5432/test)
 *   node --import tsx bench/ingest.ts pglite     # one backend
 *   BENCH_INGEST_DATABASE_URL=postgres://…/pulse_bench_trends node --import tsx bench/ingest.ts postgres
 *                                                # into a database that already holds items (10M:
 *                                                # bench/trends.ts with BENCH_ITEMS=10000000); its
 *                                                # items stay, the run's new sources and items too
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { openDatabase, type Database } from '../db/client.ts';
import { migrate } from '../db/migrate.ts';
import { addSource } from '../db/queries/sources.ts';
import { systemClock } from '../src/clock.ts';
import { loadConfig } from '../src/config.ts';
import { ingest } from '../src/services/ingest.ts';
import { silentLogger } from '../src/logger.ts';
import { body, manyItems, rss, startFeedServer } from '../test/helpers/feed-server.ts';
import { report, rssSampler } from './lib.ts';

const FEEDS = 20;
const ITEMS = 500;
const pgUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const into = process.env.BENCH_INGEST_DATABASE_URL;

async function run(backend: 'pglite' | 'postgres') {
  // into a database that already holds items: this run's stories are new (their own links), and
  // published in the last hours, as a feed carries them (inside the recent search window)
  const run = into ? `run${Date.now()}-` : '';
  const recent = (list: ReturnType<typeof manyItems>) =>
    into ? list.map((it, k) => ({ ...it, pubDate: new Date(Date.now() - k * 60_000).toUTCString() })) : list;
  const routes = Object.fromEntries(
    Array.from({ length: FEEDS }, (_, f) => [`/feed-${f}`, body(rss(recent(manyItems(ITEMS, `https://${run}feed${f}.example.org`))))]),
  );
  const server = await startFeedServer(routes);
  let database: Database;
  let cleanup: () => Promise<void>;
  if (backend === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'pulse-bench-'));
    database = await openDatabase({ dataDir: dir });
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  } else if (into) {
    database = await openDatabase({ databaseUrl: into, dataDir: '' });
    cleanup = async () => {};
  } else {
    const name = `pulse_bench_${process.pid}`;
    const admin = postgres(pgUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists ${name}`);
    await admin.unsafe(`create database ${name}`);
    const u = new URL(pgUrl);
    u.pathname = `/${name}`;
    database = await openDatabase({ databaseUrl: u.toString(), dataDir: '' });
    cleanup = async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    };
  }
  await migrate(database);
  const storedBefore = into ? await countItems(database) : 0;
  const ids: number[] = [];
  for (const path of Object.keys(routes))
    ids.push((await addSource(database.db, { url: server.url(path), kind: 'news', name: path })).row.id);
  const config = loadConfig({ PULSE_ALLOW_PRIVATE_FEEDS: 'true', PULSE_DATA_DIR: '/tmp/unused' });
  const baseline = Math.round(process.memoryUsage().rss / 1024 / 1024);
  const sampler = rssSampler();
  const started = performance.now();
  const { totals } = await ingest(
    { db: database.db, config, logger: silentLogger(), clock: systemClock, instance: 'bench' },
    // this run's feeds only (a database that already holds items has other sources)
    { ids },
  );
  const seconds = (performance.now() - started) / 1000;
  const peakRssMb = sampler.stop();
  const again = performance.now();
  const second = await ingest({ db: database.db, config, logger: silentLogger(), clock: systemClock, instance: 'bench' }, { ids });
  const refetchSeconds = (performance.now() - again) / 1000;
  await database.close();
  await server.close();
  await cleanup();
  return {
    backend,
    ...(into ? { itemsStoredBefore: storedBefore } : {}),
    feeds: FEEDS,
    itemsPerFeed: ITEMS,
    newItems: totals.inserted,
    failed: totals.failed,
    seconds: +seconds.toFixed(2),
    newItemsPerSecond: Math.round(totals.inserted / seconds),
    refetch: { seconds: +refetchSeconds.toFixed(2), newItems: second.totals.inserted, duplicates: second.totals.duplicates },
    rssBeforeMb: baseline,
    peakRssMb,
  };
}

async function countItems(database: Database): Promise<number> {
  const { sql } = await import('drizzle-orm');
  const { rowsOf } = await import('../db/client.ts');
  const [row] = rowsOf<{ n: number | string }>(await database.db.execute(sql`select count(*)::bigint as n from items`));
  return Number(row?.n ?? 0);
}

const only = process.argv[2] as 'pglite' | 'postgres' | undefined;
const results = [];
for (const backend of only ? [only] : (['pglite', 'postgres'] as const)) results.push(await run(backend));
report(into ? 'ingest-postgres-stored' : only ? `ingest-${only}` : 'ingest', { results });
