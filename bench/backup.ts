/**
 * Backup, restore and move at a size: BENCH_ITEMS synthetic labelled items (with sightings) in
 * PostgreSQL. Measures `pulse backup` of PostgreSQL, restore into an empty PostgreSQL and an
 * empty embedded database, and `pulse move-to` from that embedded database into PostgreSQL, each
 * as the command runs it (the service verbs in this process), and the machine's load meanwhile.
 *
 *   node --import tsx bench/backup.ts            (BENCH_DATABASE_URL, default the local test server)
 *   BENCH_ITEMS=200000 node --import tsx bench/backup.ts
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { openDatabase, type Database } from '../db/client.ts';
import { migrate } from '../db/migrate.ts';
import { systemClock } from '../src/clock.ts';
import { restoreBackup, writeBackup } from '../src/services/backup.ts';
import { moveDatabase } from '../src/services/move.ts';
import { report, rssSampler } from './lib.ts';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 50_000);
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const urlOf = (name: string) => {
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
};
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
async function freshPg(name: string): Promise<string> {
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.unsafe(`create database ${name}`);
  return urlOf(name);
}
const seconds = (t: number) => +((performance.now() - t) / 1000).toFixed(1);
const dir = mkdtempSync(join(tmpdir(), 'pulse-bench-backup-'));

const sourceUrl = await freshPg('pulse_bench_backup_src');
const source = await openDatabase({ databaseUrl: sourceUrl, dataDir: '' });
await migrate(source);
const sql = postgres(sourceUrl, { max: 1, onnotice: () => {} });
await sql.unsafe(
  `insert into sources (name, url, kind) select 'Source ' || g, 'https://bench.example.org/' || g, 'news' from generate_series(1, 40) g`,
);
const t = performance.now();
await sql.unsafe(`
  insert into items (source_id, url, title, summary, content, published_at, fetched_at, content_hash, studios, unions, status, relevant, stance, confidence, explanation, model, classified_at)
  select 1 + g % 40, 'https://bench.example.org/item/' || g,
         'Guild warns on generative AI at studio ' || g, 'Summary of item ' || g || ' about jobs and consent',
         repeat('Body text of a trade story about AI in screen work. ', 20),
         timestamptz '2024-01-01' + (g % 730) * interval '1 day', now(), md5(g::text),
         array['netflix'], case when g % 5 = 0 then array['sag-aftra'] else '{}'::text[] end,
         'classified', true, (array['excitement','worry','neutral'])[1 + g % 3]::stance, 0.75,
         jsonb_build_object('terms', jsonb_build_array(jsonb_build_object('term', 'guild', 'weight', 0.5)), 'sentence', 'Quote ' || g), 'bench-model', now()
  from generate_series(1, ${ITEMS}) g`);
await sql.unsafe(`insert into item_sightings (item_id, source_id, url, first_seen_at) select id, source_id, url, fetched_at from items`);
await sql.end();
const loadSeconds = seconds(t);

async function timed<T>(fn: () => Promise<T>) {
  const rss = rssSampler();
  const t0 = performance.now();
  const load0 = loadavg()[0]!;
  const value = await fn();
  return { value, seconds: seconds(t0), peakRssMb: rss.stop(), loadAverage: +((load0 + loadavg()[0]!) / 2).toFixed(1) };
}

const file = join(dir, 'bench.pulse.gz');
const backup = await timed(() => writeBackup({ db: source.db, clock: systemClock }, { out: createWriteStream(file), driver: 'postgres' }));
const rows = backup.value.rows;

const pgTarget = await openDatabase({ databaseUrl: await freshPg('pulse_bench_backup_dst'), dataDir: '' });
const restorePg = await timed(() => restoreBackup({ db: pgTarget.db, database: pgTarget }, { input: createReadStream(file) }));
await pgTarget.close();

const lite: Database = await openDatabase({ dataDir: join(dir, 'embedded') });
const restorePglite = await timed(() => restoreBackup({ db: lite.db, database: lite }, { input: createReadStream(file) }));

const moveTarget = await openDatabase({ databaseUrl: await freshPg('pulse_bench_backup_move'), dataDir: '' });
const move = await timed(() => moveDatabase({ db: lite.db, clock: systemClock }, { target: moveTarget, source: 'bench' }));
await moveTarget.close();
await lite.close();
await source.close();
for (const name of ['pulse_bench_backup_src', 'pulse_bench_backup_dst', 'pulse_bench_backup_move'])
  await admin.unsafe(`drop database if exists ${name} with (force)`);
await admin.end();

const perSecond = (s: number) => Math.round(rows / Math.max(s, 0.001));
report('backup', {
  items: ITEMS,
  rows,
  cores: (await import('node:os')).cpus().length,
  loadSeconds,
  backupPostgres: {
    seconds: backup.seconds,
    rowsPerSecond: perSecond(backup.seconds),
    fileMb: +(statSync(file).size / 1e6).toFixed(1),
    peakRssMb: backup.peakRssMb,
    loadAverage: backup.loadAverage,
  },
  restoreIntoPostgres: {
    seconds: restorePg.seconds,
    rowsPerSecond: perSecond(restorePg.seconds),
    peakRssMb: restorePg.peakRssMb,
    loadAverage: restorePg.loadAverage,
  },
  restoreIntoPglite: {
    seconds: restorePglite.seconds,
    rowsPerSecond: perSecond(restorePglite.seconds),
    peakRssMb: restorePglite.peakRssMb,
    loadAverage: restorePglite.loadAverage,
  },
  moveFromPgliteToPostgres: {
    seconds: move.seconds,
    rowsPerSecond: perSecond(move.seconds),
    ok: move.value.ok,
    peakRssMb: move.peakRssMb,
    loadAverage: move.loadAverage,
  },
});
rmSync(dir, { recursive: true, force: true });
