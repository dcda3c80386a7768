import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, rowsOf, type Database } from '../db/client.ts';
import { migrate } from '../db/migrate.ts';
import { addSource } from '../db/queries/sources.ts';
import { sql } from 'drizzle-orm';
import { migratedDataDir, runPulse, startPulse, stop } from './helpers/cli.ts';
import { createEmptyPgDatabase, pgliteOnly, testDatabaseUrl } from './helpers/db.ts';
import { body, manyItems, rss, startFeedServer, type Handler } from './helpers/feed-server.ts';

const ITEMS = 5;
const FAST = {
  PULSE_SCHEDULE_INGEST: '*/1 * * * * *',
  PULSE_SCHEDULE_CLASSIFY: '*/2 * * * * *',
  PULSE_SCHEDULE_PRUNE: '*/2 * * * * *',
  PULSE_SEED_SOURCES: 'false',
  PULSE_ALLOW_PRIVATE_FEEDS: 'true',
};

const feed = (f: number) => rss(manyItems(ITEMS, `https://w${f}.example.org`));
const slow =
  (f: number, ms: number): Handler =>
  (_req, res) => {
    setTimeout(() => res.writeHead(200, { 'Content-Type': 'application/rss+xml' }).end(feed(f)), ms);
  };

async function until(what: string, check: () => Promise<boolean>, ms = 30_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function scalar(db: Database, query: ReturnType<typeof sql>): Promise<number> {
  return Number(Object.values(rowsOf<Record<string, unknown>>(await db.db.execute(query))[0]!)[0]);
}

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

pgliteOnly('pulse worker on PGlite (one process)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pulse-worker-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the same jobs unchanged: ingests, labels and records runs, then exits 0 on SIGTERM', { timeout: 180_000 }, async () => {
    const server = await startFeedServer({ '/a': body(feed(1)), '/b': body(feed(2)) });
    try {
      const env = { ...FAST, PULSE_DATA_DIR: migratedDataDir(join(dir, 'data')) };
      for (const p of ['/a', '/b'])
        expect((await runPulse(['sources', 'add', '--url', server.url(p), '--kind', 'news'], env)).code).toBe(0);
      // `sources add` reads each URL once to check it is a feed (autodiscovery); the worker then fetches each once
      const added = { a: server.hits('/a'), b: server.hits('/b') };
      const w = await startPulse(['worker'], { ...env, PULSE_LOG_LEVEL: 'info' }, /"job":"ingest".*"newItems":10/);
      children.push(w.child);
      expect(await stop(w.child, 'SIGTERM')).toBe(0);
      expect(server.hits('/a') - added.a).toBe(1);
      expect(server.hits('/b') - added.b).toBe(1);
    } finally {
      await server.close();
    }
  });
});

describe.runIf(testDatabaseUrl)('many workers on one PostgreSQL', () => {
  let pg: { url: string; drop(): Promise<void> };
  let db: Database;
  beforeAll(async () => {
    pg = await createEmptyPgDatabase();
    db = await openDatabase({ databaseUrl: pg.url, dataDir: '' });
    await migrate(db);
  });
  afterAll(async () => {
    await db?.close();
    await pg?.drop();
  });

  it('shares a round of 40 feeds between two workers: each fetched once, no duplicates, runs from both', { timeout: 90_000 }, async () => {
    const routes = Object.fromEntries(Array.from({ length: 40 }, (_, f) => [`/feed-${f}`, slow(f, 150)]));
    const server = await startFeedServer(routes);
    try {
      for (const path of Object.keys(routes)) await addSource(db.db, { url: server.url(path), kind: 'news', name: path });
      const env = { ...FAST, DATABASE_URL: pg.url, PULSE_FETCH_CONCURRENCY: '4', PULSE_LOG_LEVEL: 'info' };
      const [a, b] = await Promise.all([
        startPulse(['worker'], env, /scheduler started/),
        startPulse(['worker'], env, /scheduler started/),
      ]);
      children.push(a.child, b.child);
      await until(
        'every source fetched',
        async () => (await scalar(db, sql`select count(*) from sources where last_success_at is null`)) === 0,
      );
      await new Promise((r) => setTimeout(r, 2500)); // more rounds: nothing is due again
      expect(await stop(a.child)).toBe(0);
      expect(await stop(b.child)).toBe(0);
      for (const path of Object.keys(routes)) expect(server.hits(path), path).toBe(1);
      expect(await scalar(db, sql`select count(*) from items`)).toBe(40 * ITEMS);
      expect(await scalar(db, sql`select count(distinct url) from items`)).toBe(40 * ITEMS);
      expect(await scalar(db, sql`select count(distinct instance) from job_runs where job = 'ingest' and status = 'ok'`)).toBe(2);
      const byInstance = rowsOf<{ n: number | string }>(
        await db.db.execute(sql`select sum((counts->>'sourcesFetched')::int) as n from job_runs where job = 'ingest' group by instance`),
      ).map((r) => Number(r.n));
      expect(byInstance.reduce((s, n) => s + n, 0)).toBe(40);
      expect(Math.min(...byInstance)).toBeGreaterThan(0); // both did part of the work
      expect(await scalar(db, sql`select count(*) from items where status = 'pending'`)).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('lets the other worker finish a round after one is SIGKILLed mid-fetch, once its claims expire', { timeout: 90_000 }, async () => {
    await db.db.execute(sql`truncate items, item_sightings, job_runs, sources restart identity cascade`);
    const routes = Object.fromEntries(Array.from({ length: 6 }, (_, f) => [`/k-${f}`, slow(100 + f, 1500)]));
    const server = await startFeedServer(routes);
    try {
      for (const path of Object.keys(routes)) await addSource(db.db, { url: server.url(path), kind: 'union', name: path });
      const env = {
        ...FAST,
        DATABASE_URL: pg.url,
        PULSE_FETCH_CONCURRENCY: '3',
        PULSE_FETCH_TIMEOUT_MS: '4000',
        PULSE_CLAIM_LEASE_MS: '5000',
      };
      const a = await startPulse(['worker'], { ...env, PULSE_LOG_LEVEL: 'info' }, /scheduler started/);
      children.push(a.child);
      await until('the first worker to be mid-fetch', async () => server.requests.length >= 3, 15_000);
      a.child.kill('SIGKILL');
      const claimedByDead = await scalar(db, sql`select count(*) from sources where claimed_by is not null`);
      expect(claimedByDead).toBeGreaterThan(0);
      const b = await startPulse(['worker'], { ...env, PULSE_LOG_LEVEL: 'info' }, /scheduler started/);
      children.push(b.child);
      await until(
        'every source fetched by the survivor',
        async () => (await scalar(db, sql`select count(*) from sources where last_success_at is null`)) === 0,
        40_000,
      );
      expect(await stop(b.child)).toBe(0);
      expect(await scalar(db, sql`select count(*) from items`)).toBe(6 * ITEMS);
      expect(await scalar(db, sql`select count(distinct url) from items`)).toBe(6 * ITEMS);
      expect(await scalar(db, sql`select count(*) from sources where claimed_by is not null`)).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('exits 0 on SIGTERM during a slow fetch and leaves that feed all or nothing', { timeout: 60_000 }, async () => {
    await db.db.execute(sql`truncate items, item_sightings, job_runs, sources restart identity cascade`);
    const server = await startFeedServer({ '/slow': slow(7, 2000) });
    try {
      await addSource(db.db, { url: server.url('/slow'), kind: 'news', name: 'slow' });
      const w = await startPulse(['worker'], { ...FAST, DATABASE_URL: pg.url, PULSE_LOG_LEVEL: 'info' }, /scheduler started/);
      children.push(w.child);
      await until('the fetch to start', async () => server.requests.length >= 1, 15_000);
      expect(await stop(w.child, 'SIGTERM')).toBe(0);
      expect([0, ITEMS]).toContain(await scalar(db, sql`select count(*) from items`));
      const running = await scalar(db, sql`select count(*) from job_runs where status = 'running'`);
      expect(running).toBe(0);
    } finally {
      await server.close();
    }
  });
});

pgliteOnly('schedules are validated at start', () => {
  it('refuses a bad cron expression with one line naming the variable', async () => {
    const r = await runPulse(['worker'], { PULSE_SCHEDULE_INGEST: 'every minute' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^pulse: PULSE_SCHEDULE_INGEST: expected a cron expression/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
