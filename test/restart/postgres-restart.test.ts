import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, rowsOf, type Database } from '../../db/client.ts';
import { migrate } from '../../db/migrate.ts';
import { listRuns } from '../../db/queries/jobs.ts';
import { addSource } from '../../db/queries/sources.ts';
import { jobDefinitions, runJob } from '../../jobs/scheduler.ts';
import { defaultModel } from '../../src/classify/model.ts';
import { systemClock } from '../../src/clock.ts';
import { silentLogger } from '../../src/logger.ts';
import { testApp, testConfig } from '../helpers/app.ts';
import { createEmptyPgDatabase, testDatabaseUrl } from '../helpers/db.ts';
import { manyItems, rss, startFeedServer } from '../helpers/feed-server.ts';

/** The local cluster this machine runs (Debian's pg_ctlcluster), when the tests may control it. */
function cluster(): ((action: 'stop' | 'start') => void) | undefined {
  if (!testDatabaseUrl || !/127\.0\.0\.1|localhost/.test(testDatabaseUrl)) return undefined;
  try {
    const version = readdirSync('/etc/postgresql')[0];
    if (!version) return undefined;
    if (!existsSync('/usr/bin/pg_ctlcluster')) return undefined;
    return (action) => execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', action], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
}

const control = cluster();
const count = async (db: Database, q: ReturnType<typeof sql>) =>
  Number(Object.values(rowsOf<Record<string, unknown>>(await db.db.execute(q))[0]!)[0]);

describe.runIf(control)('a real PostgreSQL restart', () => {
  let pg: { url: string; drop(): Promise<void> };
  let database: Database;
  beforeAll(async () => {
    pg = await createEmptyPgDatabase();
    database = await openDatabase({ databaseUrl: pg.url, dataDir: '' });
    await migrate(database);
  });
  afterAll(async () => {
    try {
      control!('start'); // in case the test stopped before starting it again
    } catch {
      // already running
    }
    await database?.close().catch(() => {});
    await pg?.drop().catch(() => {});
  });

  it('answers 503 on /ready while it is down, recovers on its own, and an ingest run across it stores every item once', async () => {
    const { app } = testApp(database, { env: { PULSE_REQUEST_TIMEOUT_MS: '3000' } });
    let slow = true;
    const server = await startFeedServer({
      '/f': (_req, res) =>
        setTimeout(
          () => res.writeHead(200, { 'Content-Type': 'application/rss+xml' }).end(rss(manyItems(25, 'https://restart.example.org'))),
          slow ? 1500 : 0,
        ),
    });
    try {
      await addSource(database.db, { url: server.url('/f'), kind: 'news', name: 'restart' });
      expect((await app.request('/ready')).status).toBe(200);
      const config = { ...testConfig(), claimLeaseMs: 2000 };
      const deps = { database, config, logger: silentLogger(), clock: systemClock, instance: 'restart:1', model: defaultModel() };
      const ingest = jobDefinitions(config).find((d) => d.name === 'ingest')!;
      const run = runJob(ingest, deps);
      await new Promise((r) => setTimeout(r, 400)); // the fetch is under way
      control!('stop');
      expect((await app.request('/ready')).status).toBe(503);
      expect((await app.request('/health')).status).toBe(200);
      const during = await app.request('/api/v1/sources');
      expect(during.status).toBeGreaterThanOrEqual(500);
      expect(((await during.json()) as { error: { requestId: string } }).error.requestId).toBeTruthy();
      control!('start');
      const result = await run;
      expect(['ok', 'failed']).toContain(result.status);
      let ready = 0;
      for (let i = 0; i < 60 && ready !== 200; i++) {
        ready = (await app.request('/ready')).status;
        if (ready !== 200) await new Promise((r) => setTimeout(r, 250));
      }
      expect(ready).toBe(200);
      expect([0, 25]).toContain(await count(database, sql`select count(*) from items`));
      const [recorded] = await listRuns(database.db, { job: 'ingest', limit: 1 });
      expect(recorded!.status).not.toBe('running');
      slow = false;
      await new Promise((r) => setTimeout(r, 2100));
      await database.db.execute(sql`update sources set next_fetch_at = now()`);
      expect(await runJob(ingest, deps)).toMatchObject({ status: 'ok', counts: { failedSources: 0 } });
      expect(await count(database, sql`select count(*) from items`)).toBe(25);
      expect(await count(database, sql`select count(distinct url) from items`)).toBe(25);
    } finally {
      await server.close();
    }
  });
});
