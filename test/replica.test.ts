/**
 * DATABASE_READ_URL against a real streaming replica: a second PostgreSQL cluster made with
 * pg_basebackup on this machine (.ci/replica sets it up on port 5433). Replay on the replica is
 * paused to make it lag on purpose: reads that may lag show the old data (so they are served by
 * the replica), reads that must be fresh (keys, sources, announcements) see the write at once.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, rowsOf, type Database } from '../db/client.ts';
import { migrate } from '../db/migrate.ts';
import { loadConfig } from '../src/config.ts';
import { authHeader, json, testApp } from './helpers/app.ts';
import { createEmptyPgDatabase, testDatabaseUrl } from './helpers/db.ts';
import { makeItems, makeSource } from './helpers/factories.ts';

const replicaServer = process.env.TEST_REPLICA_URL || 'postgres://postgres@127.0.0.1:5433/postgres';

/** Why the replica tests cannot run here, or undefined when they can. */
async function unavailableReason(): Promise<string | undefined> {
  if (!testDatabaseUrl) return 'TEST_DATABASE_URL is not set (the replica tests need PostgreSQL)';
  const { default: postgres } = await import('postgres');
  const ask = async (url: string, q: string) => {
    const c = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 3 });
    try {
      return (await c.unsafe(q))[0] as Record<string, unknown>;
    } finally {
      await c.end({ timeout: 1 });
    }
  };
  try {
    const r = await ask(
      replicaServer,
      'select pg_is_in_recovery() as standby, (select system_identifier::text from pg_control_system()) as id',
    );
    if (!r.standby) return `${replicaServer} is not a standby (pg_is_in_recovery() is false)`;
    const p = await ask(testDatabaseUrl, 'select (select system_identifier::text from pg_control_system()) as id');
    if (p.id !== r.id) return `${replicaServer} is not a replica of ${testDatabaseUrl}`;
    return undefined;
  } catch (err) {
    return `no streaming replica at ${replicaServer} (${(err as Error).message}); run .ci/replica as root to make one`;
  }
}

const reason = await unavailableReason();
if (reason) console.warn(`replica tests skipped: ${reason}`);

const withName = (server: string, db: string) => {
  const u = new URL(server);
  u.pathname = `/${db}`;
  return u.toString();
};

describe.skipIf(!!reason)(`reads from a streaming replica (DATABASE_READ_URL)${reason ? ` [skipped: ${reason}]` : ''}`, () => {
  let created: { url: string; drop(): Promise<void> };
  let database: Database;
  let replicaAdmin: Database;
  const lsn = async (db: Database['db'], q: string) => rowsOf<{ l: string }>(await db.execute(sql.raw(`select (${q})::text as l`)))[0]!.l;
  /** Waits until the replica has replayed everything the primary has written so far. */
  async function caughtUp() {
    const target = await lsn(database.db, 'pg_current_wal_lsn()');
    const end = Date.now() + 30_000;
    while (Date.now() < end) {
      const [r] = rowsOf<{ ok: boolean }>(await replicaAdmin.db.execute(sql`select pg_last_wal_replay_lsn() >= ${target}::pg_lsn as ok`));
      if (r?.ok) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the replica did not catch up within 30 s');
  }

  beforeAll(async () => {
    created = await createEmptyPgDatabase();
    const name = new URL(created.url).pathname.slice(1);
    const config = loadConfig({ DATABASE_URL: created.url, DATABASE_READ_URL: withName(replicaServer, name) });
    replicaAdmin = await openDatabase({ databaseUrl: replicaServer, dataDir: '', max: 1 });
    const primaryOnly = await openDatabase({ databaseUrl: created.url, dataDir: '' });
    await migrate(primaryOnly);
    await primaryOnly.close();
    // the new database must exist on the replica before a pool can connect to it there
    database = await (async () => {
      const end = Date.now() + 30_000;
      for (;;) {
        try {
          return await openDatabase({ databaseUrl: config.databaseUrl, dataDir: '', readUrl: config.databaseReadUrl, max: 3 });
        } catch (err) {
          if (Date.now() > end) throw err;
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    })();
  });

  afterAll(async () => {
    // never leave the shared replica paused
    await replicaAdmin?.db.execute(sql`select pg_wal_replay_resume()`).catch(() => {});
    await database?.close();
    await replicaAdmin?.close();
    await created?.drop();
  });

  it('opens a second pool on the replica, which is in recovery', async () => {
    expect(database.readDb).toBeDefined();
    expect(database.readWhere).toMatch(/:5433\//);
    const [r] = rowsOf<{ standby: boolean }>(await database.readDb!.execute(sql`select pg_is_in_recovery() as standby`));
    expect(r!.standby).toBe(true);
  });

  it('serves reads that may lag from the replica, and fresh answers and writes from the primary', async () => {
    const { app } = testApp(database);
    const admin = await authHeader(database, 'admin');
    const source = await makeSource(database.db, 'news', 'Replicated news');
    await makeItems(database.db, [
      { sourceId: source, publishedAt: new Date('2025-07-18T10:00:00Z'), stance: 'worry', title: 'Before the pause' },
    ]);
    await caughtUp();
    const before = await json(await app.request('/api/v1/items?limit=50'));
    expect(before.items.map((i: { title: string }) => i.title)).toEqual(['Before the pause']);

    // make the replica lag: it receives WAL but replays none of it
    await replicaAdmin.db.execute(sql`select pg_wal_replay_pause()`);
    await makeItems(database.db, [
      { sourceId: source, publishedAt: new Date('2025-07-19T10:00:00Z'), stance: 'excitement', title: 'Written during the pause' },
    ]);
    const [onPrimary] = rowsOf<{ n: number }>(await database.db.execute(sql`select count(*)::int as n from items`));
    expect(onPrimary!.n).toBe(2);

    // reads that may lag: the replica's (older) answer
    const during = await json(await app.request('/api/v1/items?limit=50'));
    expect(during.total).toBe(1);
    expect(during.items.map((i: { title: string }) => i.title)).toEqual(['Before the pause']);
    const trends = await json(await app.request('/api/v1/trends?from=2025-07-14&to=2025-07-21&granularity=week&relevant=all'));
    expect(trends.series[0].buckets[0].total).toBe(1);

    // a key created now authenticates at once (keys are checked on the primary)
    const keyRes = await app.request('/api/v1/keys', {
      method: 'POST',
      headers: { ...admin, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'fresh', scope: 'write' }),
    });
    expect(keyRes.status).toBe(201);
    const fresh = { Authorization: `Bearer ${(await json(keyRes)).secret}` };
    expect((await app.request('/api/v1/items?limit=1', { headers: fresh })).status).toBe(200);

    // a source added now is listed at once
    const added = await app.request('/api/v1/sources', {
      method: 'POST',
      headers: { ...fresh, 'Content-Type': 'application/json' },
      body: JSON.stringify({ url: 'https://fresh.example.org/feed', kind: 'union' }),
    });
    expect(added.status).toBe(201);
    const sources = await json(await app.request('/api/v1/sources'));
    expect(sources.sources.map((s: { url: string }) => s.url)).toContain('https://fresh.example.org/feed');

    // an announcement created now has a reaction page at once (its items come from the replica)
    const ann = await app.request('/api/v1/announcements', {
      method: 'POST',
      headers: { ...fresh, 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: 'Fresh', date: '2025-07-18', studio: 'netflix' }),
    });
    expect(ann.status).toBe(201);
    const id = (await json(ann)).id;
    expect((await app.request(`/api/v1/announcements/${id}`)).status).toBe(200);
    expect((await app.request(`/api/v1/announcements/${id}/reaction`)).status).toBe(200);

    // once the replica replays again, the lagging reads catch up
    await replicaAdmin.db.execute(sql`select pg_wal_replay_resume()`);
    await caughtUp();
    const after = await json(await app.request('/api/v1/items?limit=50'));
    expect(after.total).toBe(2);
    expect(after.items.map((i: { title: string }) => i.title)).toEqual(['Written during the pause', 'Before the pause']);
  });

  it('is ready only while both the primary and the replica answer', async () => {
    const { app } = testApp(database);
    expect((await app.request('/ready')).status).toBe(200);
    const broken = await openDatabase({ databaseUrl: created.url, dataDir: '' });
    try {
      const { app: noReplica } = testApp({ ...broken, readDb: (await openDeadPool()).db });
      const res = await noReplica.request('/ready');
      expect(res.status).toBe(503);
      expect((await json(res)).error.message).toMatch(/read replica/);
    } finally {
      await broken.close();
    }
  });
});

/** A pool whose queries fail: a replica that went away after start. */
async function openDeadPool(): Promise<{ db: NonNullable<Database['readDb']> }> {
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const client = postgres('postgres://postgres@127.0.0.1:1/none', { max: 1, connect_timeout: 1, onnotice: () => {} });
  return { db: drizzle(client) as never };
}

describe('DATABASE_READ_URL configuration', () => {
  it('needs DATABASE_URL, and names itself when it is not a postgres URL', () => {
    expect(() => loadConfig({ DATABASE_READ_URL: 'postgres://r/x' })).toThrow(/^DATABASE_READ_URL: needs DATABASE_URL/);
    expect(() => loadConfig({ DATABASE_URL: 'postgres://p/x', DATABASE_READ_URL: 'mysql://r/x' })).toThrow(
      /^DATABASE_READ_URL: expected a postgres/,
    );
    expect(loadConfig({ DATABASE_URL: 'postgres://p/x', DATABASE_READ_URL: 'postgres://r/x' }).databaseReadUrl).toBe('postgres://r/x');
  });
});
