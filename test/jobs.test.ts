import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openDatabase, rowsOf, type Database } from '../db/client.ts';
import { listRuns } from '../db/queries/jobs.ts';
import { addSource } from '../db/queries/sources.ts';
import { runJob, startScheduler, withJobLock } from '../jobs/scheduler.ts';
import type { JobDeps } from '../jobs/types.ts';
import { defaultModel } from '../src/classify/model.ts';
import { systemClock } from '../src/clock.ts';
import { createMetrics } from '../src/metrics.ts';
import { silentLogger } from '../src/logger.ts';
import { json, testApp, testConfig } from './helpers/app.ts';
import { freshDatabase } from './helpers/db.ts';
import { body, manyItems, rss, startFeedServer } from './helpers/feed-server.ts';

let database: Database & { url?: string };
let server: Awaited<ReturnType<typeof startFeedServer>>;
const metrics = createMetrics();

function deps(instance = 'test:1'): JobDeps {
  return { database, config: testConfig(), logger: silentLogger(), clock: systemClock, instance, model: defaultModel(), metrics };
}

beforeAll(async () => {
  database = await freshDatabase();
  server = await startFeedServer({ '/f': body(rss(manyItems(12, 'https://jobs.example.org'))) });
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

describe('runJob', () => {
  it('records an ok run with counts, and the ingest job labels what it stores', async () => {
    await addSource(database.db, { url: server.url('/f'), kind: 'union', name: 'f' });
    const { jobDefinitions } = await import('../jobs/scheduler.ts');
    const ingest = jobDefinitions(testConfig()).find((d) => d.name === 'ingest')!;
    const result = await runJob(ingest, deps());
    expect(result.status).toBe('ok');
    expect(result.counts).toMatchObject({ sourcesFetched: 1, newItems: 12, duplicates: 0, failedSources: 0, classified: 12 });
    const [run] = await listRuns(database.db, { job: 'ingest', limit: 1 });
    expect(run).toMatchObject({ job: 'ingest', instance: 'test:1', status: 'ok', counts: result.counts, error: null });
    expect(run!.finishedAt).not.toBeNull();
  });

  it('records a failed run with its error and never throws', async () => {
    const result = await runJob(
      {
        name: 'classify',
        schedule: '* * * * *',
        singleton: false,
        run: async () => {
          throw new Error('model exploded');
        },
      },
      deps(),
    );
    expect(result).toMatchObject({ status: 'failed', error: 'model exploded' });
    const [run] = await listRuns(database.db, { job: 'classify', limit: 1 });
    expect(run).toMatchObject({ status: 'failed', error: 'model exploded' });
  });

  it('runs a singleton job on exactly one of two sessions started at once', async () => {
    // Two separate pools are two sessions, as two processes would be. PGlite is one process and
    // one session: a process-local guard does the excluding there.
    const other: Database = database.url ? await openDatabase({ databaseUrl: database.url, dataDir: '' }) : database;
    try {
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let runs = 0;
      const slow = {
        name: 'prune',
        schedule: '* * * * *',
        singleton: true,
        run: async () => {
          runs++;
          await gate;
          return { n: 1 };
        },
      };
      const first = runJob(slow, { ...deps('proc:a'), database });
      await new Promise((r) => setTimeout(r, 200));
      const second = runJob(slow, { ...deps('proc:b'), database: other });
      expect((await second).status).toBe('skipped');
      release();
      expect((await first).status).toBe('ok');
      expect(runs).toBe(1);
      const recent = await listRuns(database.db, { job: 'prune', limit: 2 });
      expect(recent.map((r) => `${r.instance}:${r.status}`).sort()).toEqual(['proc:a:ok', 'proc:b:skipped']);
    } finally {
      if (other !== database) await other.close();
    }
  });

  it('withJobLock is free again once the holder finishes, or fails', async () => {
    expect(await withJobLock(database, 'x', async () => 1)).toEqual({ acquired: true, value: 1 });
    expect(await withJobLock(database, 'x', async () => 2)).toEqual({ acquired: true, value: 2 });
    await expect(
      withJobLock(database, 'x', async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await withJobLock(database, 'x', async () => 3)).toEqual({ acquired: true, value: 3 });
  });

  it('a 5 s singleton job keeps its lock under idle_in_transaction_session_timeout = 1s', { timeout: 30_000 }, async (ctx) => {
    if (!database.url) return ctx.skip('PostgreSQL only: PGlite has one in-process session and no idle timeouts');
    const name = new URL(database.url).pathname.slice(1);
    await database.db.execute(sql.raw(`alter database "${name}" set idle_in_transaction_session_timeout = '1s'`));
    // new pools, so that every session (the lock's included) starts under the timeout
    const a = await openDatabase({ databaseUrl: database.url, dataDir: '' });
    const b = await openDatabase({ databaseUrl: database.url, dataDir: '' });
    try {
      expect(rowsOf<{ t: string }>(await a.db.execute(sql`select current_setting('idle_in_transaction_session_timeout') as t`))[0]!.t).toBe(
        '1s',
      );
      let runs = 0;
      let finished = false;
      const job = {
        name: 'digest',
        schedule: '* * * * *',
        singleton: true,
        run: async () => {
          runs++;
          await new Promise((r) => setTimeout(r, 5000));
          finished = true;
          return { slept: 5 };
        },
      };
      const first = runJob(job, { ...deps('idle:a'), database: a });
      await new Promise((r) => setTimeout(r, 2500)); // well past the 1 s timeout
      expect(await runJob(job, { ...deps('idle:b'), database: b })).toMatchObject({ status: 'skipped' });
      const holder = rowsOf<{ state: string }>(
        await b.db.execute(sql`
        select a.state from pg_locks l join pg_stat_activity a on a.pid = l.pid
        where l.locktype = 'advisory' and l.granted and a.datname = current_database()`),
      );
      expect(holder).toEqual([{ state: 'idle' }]); // held by a session with no transaction open
      expect(await first).toMatchObject({ status: 'ok', counts: { slept: 5 } });
      expect(finished).toBe(true);
      expect(runs).toBe(1);
      const recent = await listRuns(database.db, { job: 'digest', limit: 2 });
      expect(recent.map((r) => `${r.instance}:${r.status}`).sort()).toEqual(['idle:a:ok', 'idle:b:skipped']);
      expect(await withJobLock(b, 'digest', async () => 'free')).toEqual({ acquired: true, value: 'free' });
    } finally {
      await database.db.execute(sql.raw(`alter database "${name}" reset idle_in_transaction_session_timeout`));
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('tells a singleton job when its lock connection dies, and the lock is free again', { timeout: 30_000 }, async (ctx) => {
    if (!database.url) return ctx.skip('PostgreSQL only: PGlite has no connection to lose');
    let sawAbort = false;
    const job = {
      name: 'rollup',
      schedule: '* * * * *',
      singleton: true,
      run: async (d: JobDeps) => {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, 10_000);
          d.signal?.addEventListener('abort', () => {
            clearTimeout(t);
            sawAbort = true;
            resolve();
          });
        });
        return {};
      },
    };
    const run = runJob(job, deps('lost:a'));
    await new Promise((r) => setTimeout(r, 500));
    await database.db.execute(sql`
      select pg_terminate_backend(l.pid) from pg_locks l join pg_stat_activity a on a.pid = l.pid
      where l.locktype = 'advisory' and a.datname = current_database()`);
    expect((await run).status).toBe('ok');
    expect(sawAbort).toBe(true);
    expect(await withJobLock(database, 'rollup', async () => 'free')).toEqual({ acquired: true, value: 'free' });
  });
});

describe('scheduler', () => {
  it('runs jobs on a seconds schedule and stops cleanly', async () => {
    const before = (await listRuns(database.db, { job: 'classify', limit: 500 })).length;
    const scheduler = startScheduler(deps('sched:1'), [
      { name: 'classify', schedule: '* * * * * *', singleton: false, run: async () => ({ classified: 0 }) },
    ]);
    await new Promise((r) => setTimeout(r, 2300));
    await scheduler.stop();
    const after = (await listRuns(database.db, { job: 'classify', limit: 500 })).length;
    expect(after - before).toBeGreaterThanOrEqual(2);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await listRuns(database.db, { job: 'classify', limit: 500 })).length).toBe(after);
  });

  it('waits for a running job on stop, up to the limit, then abandons it', async () => {
    let finished = false;
    const config = { ...testConfig(), jobStopTimeoutMs: 300 };
    const scheduler = startScheduler({ ...deps('sched:2'), config }, [
      {
        name: 'classify',
        schedule: '0 0 1 1 *',
        singleton: false,
        run: async (d) => {
          await new Promise((r) => setTimeout(r, 5000));
          if (!d.signal?.aborted) finished = true;
          return {};
        },
      },
    ]);
    void scheduler.trigger('classify');
    const started = Date.now();
    await scheduler.stop();
    expect(Date.now() - started).toBeLessThan(4000);
    expect(finished).toBe(false);
  });
});

describe('GET /api/v1/jobs and /metrics', () => {
  it('lists recent runs newest first, filtered, and validates its parameters', async () => {
    const { app } = testApp(database);
    const all = await json(await app.request('/api/v1/jobs?limit=3'));
    expect(all.runs).toHaveLength(3);
    expect(Object.keys(all.runs[0]).sort()).toEqual(['counts', 'error', 'finishedAt', 'id', 'instance', 'job', 'startedAt', 'status']);
    const times = all.runs.map((r: { startedAt: string }) => r.startedAt);
    expect([...times].sort().reverse()).toEqual(times);
    const ingest = await json(await app.request('/api/v1/jobs?job=ingest'));
    expect(ingest.runs.every((r: { job: string }) => r.job === 'ingest')).toBe(true);
    expect((await app.request('/api/v1/jobs?job=nope')).status).toBe(400);
    expect((await app.request('/api/v1/jobs?limit=0')).status).toBe(400);
  });

  it('exposes ingest, job, classification and HTTP metrics in Prometheus format', async () => {
    const { createApp } = await import('../src/api/app.ts');
    const app = createApp({
      db: database.db,
      database,
      config: testConfig(),
      logger: silentLogger(),
      clock: systemClock,
      metrics,
      model: defaultModel(),
    });
    await app.request('/api/v1/sources/999');
    const res = await app.request('/metrics');
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/pulse_items_ingested_total\{kind="union"\} 12/);
    expect(text).toMatch(/pulse_job_runs_total\{job="ingest",status="ok"\} 1/);
    expect(text).toMatch(/pulse_classifications_total\{stance="\w+"\} \d+/);
    expect(text).toMatch(/pulse_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/sources\/:id",status="404"\} 1/);
  });
});
