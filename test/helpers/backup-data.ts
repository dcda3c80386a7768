import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { inject } from 'vitest';
import { openDatabase, rowsOf, type Database, type Db } from '../../db/client.ts';
import { migrate } from '../../db/migrate.ts';
import { rebuildRollups } from '../../src/services/jobs.ts';
import { createKey } from '../../src/services/keys.ts';
import { makeItems, makeSource } from './factories.ts';

/** A value beyond 2^53: a backup that passed ids through JavaScript numbers would change it. */
export const BIG_ID = '9007199254740993';

/**
 * Puts rows in every Pulse table, with the awkward values a copy can get wrong: quotes,
 * backslashes, newlines, emoji, NULLs, empty and non-empty arrays, jsonb, dates, times, reals,
 * an identity column and an id beyond 2^53.
 */
export async function fillEveryTable(db: Db, opts: { items?: number } = {}): Promise<void> {
  const news = await makeSource(db, 'news', 'Trade "press" \\ daily');
  const union = await makeSource(db, 'union', 'Guild\nnewsletter 🎬');
  const n = opts.items ?? 60;
  const day = (i: number) => new Date(Date.UTC(2025, 6, 1 + (i % 30), 9, i % 60, 7, 123));
  const ids = await makeItems(
    db,
    Array.from({ length: n }, (_, i) => ({
      sourceId: i % 3 ? news : union,
      publishedAt: day(i),
      stance: (['worry', 'excitement', 'neutral'] as const)[i % 3]!,
      studios: i % 2 ? ['netflix'] : [],
      unions: i % 5 ? [] : ['sag-aftra', 'wga'],
      concerns: i % 3 === 0 ? ['job_displacement'] : [],
      title: `Story ${i}: "AI" at the studio \\ O'Brien — naïve café ${i % 7 ? '' : '\n second line'}`,
      summary: i % 4 ? 'Plain summary.' : '',
      confidence: 0.123456789 + i / 1000,
    })),
  );
  await db.execute(sql`insert into item_sightings (item_id, source_id, url, guid, first_seen_at)
    select id, source_id, url || '#seen', null, fetched_at from items`);
  await db.execute(sql`insert into item_sightings (item_id, source_id, url, guid, first_seen_at)
    values (${ids[0]!}, ${union}, 'https://other.example.org/Zebra', 'guid-1', now()), (${ids[0]!}, ${union}, 'https://other.example.org/apple', 'guid-2', now())`);
  await db.execute(sql`insert into items (id, source_id, url, title, published_at, fetched_at, content_hash, studios)
    values (${BIG_ID}::bigint, ${news}, 'https://factory.example.org/big', 'A big id', '2025-07-17T12:00:00Z', '2025-07-17T12:00:00Z', 'big-hash', '{disney}')`);
  await rebuildRollups({ db }, { limit: 1000 });
  await db.execute(sql`insert into rollup_dirty_days (day) values ('2025-07-03')`);
  await createKey({ db }, { name: 'ops', scope: 'admin' });
  await createKey({ db }, { name: 'reader "q"', scope: 'write' });
  await db.execute(sql`insert into announcements (title, studio, date, time, time_zone, url, keywords)
    values ('El Eternauta disclosure', 'netflix', '2025-07-17', '22:00', 'America/Los_Angeles', 'https://example.org/a', '{"building collapse", eternauta}'),
           ('No time', null, '2025-03-05', null, null, null, '{}')`);
  await db.execute(sql`insert into alerts (day, entity_type, entity, metric, value, baseline, score, p_value, count, baseline_count)
    values ('2025-07-18', 'studio', 'netflix', 'volume', 12, 2.5, 1e-12, 0.000001234, 12, 70)`);
  await db.execute(sql`insert into webhooks (url, entity, secret) values ('https://hooks.example.org/x', 'netflix', 's3cret')`);
  await db.execute(sql`insert into webhook_deliveries (webhook_id, alert_id, status, attempts, last_error)
    select w.id, a.id, 'failed', 5, 'HTTP 500: "oops"' from webhooks w, alerts a`);
  await db.execute(sql`insert into job_runs (job, instance, started_at, finished_at, status, counts, error)
    values ('ingest', 'host:1:abc', now() - interval '1 minute', now(), 'ok', '{"inserted": 3, "failed": 0}', null),
           ('rollup', 'host:1:abc', now(), null, 'running', '{}', null)`);
  await db.execute(sql`insert into digests (week, studio, union_name, filter_key, version, generated_at, model, markdown, html, csv, data)
    values ('2025-W30', null, null, '', 1, now(), 'm1', '# Week\n\n| a | b |', '<p>é</p>', 'a,b\n1,2', '{"nested": {"list": [1, 2.5, null, "x"]}, "big": 12345678901234567890}')`);
  await db.execute(
    sql`insert into meta (key, value) values ('default_sources_seeded', 'true'::jsonb), ('Zeta', '{"a": [1]}'), ('alpha', '"text"') on conflict do nothing`,
  );
}

/** Row counts of every public table, by name. */
export async function rowCounts(db: Db): Promise<Record<string, number>> {
  const tables = rowsOf<{ name: string }>(
    await db.execute(
      sql`select relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and relkind = 'r' order by relname`,
    ),
  );
  const out: Record<string, number> = {};
  for (const t of tables)
    out[t.name] = Number(rowsOf<{ n: number }>(await db.execute(sql.raw(`select count(*)::int as n from "${t.name}"`)))[0]!.n);
  return out;
}

/** An in-memory PGlite database: migrated (from the suite's snapshot when there is one) or empty. */
export async function pgliteDatabase(opts: { migrated: boolean }): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const schema = await import('../../db/schema/index.ts');
  const snapshot = opts.migrated ? inject('pgliteSnapshot') : '';
  const pg = snapshot ? await PGlite.create({ loadDataDir: new Blob([readFileSync(snapshot)]) }) : await PGlite.create();
  const database: Database = { db: drizzle(pg, { schema }) as never, driver: 'pglite', where: 'memory', close: () => pg.close() };
  if (opts.migrated && !snapshot) await migrate(database);
  return database;
}

/** A PostgreSQL database on the test server, migrated or empty, dropped by close(). */
export async function postgresDatabase(serverUrl: string, opts: { migrated: boolean }): Promise<Database> {
  const { randomBytes } = await import('node:crypto');
  const { default: postgres } = await import('postgres');
  const name = `pulse_b_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: u.toString(), dataDir: '', max: 4 });
  if (opts.migrated) await migrate(database);
  return {
    ...database,
    close: async () => {
      await database.close();
      const a = postgres(serverUrl, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}
