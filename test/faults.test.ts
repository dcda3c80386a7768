import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, rowsOf, type Database } from '../db/client.ts';
import { migrate } from '../db/migrate.ts';
import { listRuns } from '../db/queries/jobs.ts';
import { addSource } from '../db/queries/sources.ts';
import { jobDefinitions, runJob } from '../jobs/scheduler.ts';
import { defaultModel } from '../src/classify/model.ts';
import { systemClock } from '../src/clock.ts';
import { silentLogger } from '../src/logger.ts';
import { testApp, testConfig } from './helpers/app.ts';
import { runPulse } from './helpers/cli.ts';
import { createEmptyPgDatabase, pgliteOnly, testDatabaseUrl } from './helpers/db.ts';
import { manyItems, rss, startFeedServer } from './helpers/feed-server.ts';
import { startTcpProxy } from './helpers/tcp-proxy.ts';

const count = async (db: Database, q: ReturnType<typeof sql>) =>
  Number(Object.values(rowsOf<Record<string, unknown>>(await db.db.execute(q))[0]!)[0]);

describe.runIf(testDatabaseUrl)('PostgreSQL going away and coming back', () => {
  let pg: { url: string; drop(): Promise<void> };
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  let viaProxy: Database;
  let direct: Database;
  beforeAll(async () => {
    pg = await createEmptyPgDatabase();
    direct = await openDatabase({ databaseUrl: pg.url, dataDir: '' });
    await migrate(direct);
    proxy = await startTcpProxy(Number(new URL(pg.url).port || 5432));
    const u = new URL(pg.url);
    u.port = String(proxy.port);
    viaProxy = await openDatabase({ databaseUrl: u.toString(), dataDir: '', max: 4 });
  });
  afterAll(async () => {
    await viaProxy?.close().catch(() => {});
    await proxy?.close();
    await direct?.close();
    await pg?.drop();
  });

  it('answers 503 on /ready while the database is down and recovers on its own', { timeout: 60_000 }, async () => {
    const { app } = testApp(viaProxy, { env: { PULSE_REQUEST_TIMEOUT_MS: '2000' } });
    expect((await app.request('/ready')).status).toBe(200);
    proxy.cut();
    const down = await app.request('/ready');
    expect(down.status).toBe(503);
    expect(((await down.json()) as { error: { code: string } }).error.code).toBe('unavailable');
    expect((await app.request('/health')).status).toBe(200);
    expect((await app.request('/api/v1/sources')).status).toBeGreaterThanOrEqual(500); // a clean 5xx in the error shape, no hang
    proxy.restore();
    let ready = 0;
    for (let i = 0; i < 40 && ready !== 200; i++) {
      ready = (await app.request('/ready')).status;
      if (ready !== 200) await new Promise((r) => setTimeout(r, 250));
    }
    expect(ready).toBe(200);
    expect((await app.request('/api/v1/sources')).status).toBe(200);
  });

  it('fails an ingest run cleanly when the database dies mid-run, records it, and the next run stores every item once', {
    timeout: 90_000,
  }, async () => {
    let slow = true;
    const server = await startFeedServer({
      '/f': (_req, res) =>
        setTimeout(
          () => res.writeHead(200, { 'Content-Type': 'application/rss+xml' }).end(rss(manyItems(30, 'https://fault.example.org'))),
          slow ? 1500 : 0,
        ),
    });
    try {
      await addSource(direct.db, { url: server.url('/f'), kind: 'news', name: 'fault' });
      const config = { ...testConfig(), claimLeaseMs: 2000 };
      const deps = { database: viaProxy, config, logger: silentLogger(), clock: systemClock, instance: 'fault:1', model: defaultModel() };
      const ingest = jobDefinitions(config).find((d) => d.name === 'ingest')!;
      const run = runJob(ingest, deps);
      await new Promise((r) => setTimeout(r, 500)); // the fetch is under way
      proxy.cut();
      // down for longer than the driver's 10 s connect timeout, so the store really fails
      setTimeout(() => proxy.restore(), 12_000);
      const result = await run;
      // postgres.js holds queries while it reconnects, so the run may ride out the outage or fail
      // the source; either way the fetch is all or nothing
      expect(['ok', 'failed']).toContain(result.status);
      expect([0, 30]).toContain(await count(direct, sql`select count(*) from items`));
      const [recorded] = await listRuns(direct.db, { job: 'ingest', limit: 1 });
      expect(recorded!.status).not.toBe('running'); // the outcome was recorded once the database was back
      slow = false;
      await new Promise((r) => setTimeout(r, 2100)); // the failed run's claim expires if it could not be released
      await direct.db.execute(sql`update sources set next_fetch_at = now()`);
      const next = await runJob(ingest, deps);
      expect(next).toMatchObject({ status: 'ok', counts: { failedSources: 0 } });
      expect(await count(direct, sql`select count(*) from items`)).toBe(30);
      expect(await count(direct, sql`select count(distinct url) from items`)).toBe(30);
    } finally {
      await server.close();
    }
  });
});

describe.runIf(testDatabaseUrl)('a process killed while labelling', () => {
  it('leaves every item with a whole label, old or new, never half of one', { timeout: 120_000 }, async () => {
    const pg = await createEmptyPgDatabase();
    const db = await openDatabase({ databaseUrl: pg.url, dataDir: '' });
    try {
      await migrate(db);
      await db.db.execute(sql`insert into sources (name, url, kind) values ('s', 'https://kill.example.org/feed', 'news')`);
      await db.db.execute(sql`
        insert into items (source_id, url, title, summary, published_at, fetched_at, content_hash, status, relevant, stance, confidence, explanation, model)
        select 1, 'https://kill.example.org/' || g, 'Guild fears AI will replace animators, report ' || g, 'The union demands consent and pay.', now() - g * interval '1 minute', now(), md5(g::text),
               'classified', true, 'neutral', 0.5, '{"terms":[],"sentence":"old"}'::jsonb, 'old-model'
        from generate_series(1, 30000) g`);
      const { spawn } = await import('node:child_process');
      const { childEnv, PULSE_BIN } = await import('./helpers/cli.ts');
      const child = spawn(process.execPath, [PULSE_BIN, 'reclassify'], { env: childEnv({ DATABASE_URL: pg.url }), stdio: 'ignore' });
      // kill it once some batches have committed
      for (let i = 0; i < 200; i++) {
        if ((await count(db, sql`select count(*) from items where model <> 'old-model'`)) > 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const newModel = defaultModel().version;
      const relabelled = await count(db, sql`select count(*) from items where model = ${newModel}`);
      const old = await count(db, sql`select count(*) from items where model = 'old-model'`);
      expect(relabelled).toBeGreaterThan(0);
      expect(relabelled + old).toBe(30000);
      expect(relabelled % 500).toBe(0); // whole batches only
      expect(
        await count(db, sql`select count(*) from items where model = ${newModel} and (stance is null or explanation->>'sentence' = 'old')`),
      ).toBe(0);
      expect(await count(db, sql`select count(*) from items where model = 'old-model' and explanation->>'sentence' <> 'old'`)).toBe(0);
      // and a new run finishes the job
      const again = await runPulse(['reclassify'], { DATABASE_URL: pg.url });
      expect(again.stdout).toMatch(/re-labelled 30000 items/);
    } finally {
      await db.close();
      await pg.drop();
    }
  });
});

/** A tiny tmpfs, when this machine lets the tests mount one (root in CI here); else undefined. */
async function tinyFilesystem(): Promise<{ dir: string; unmount(): void } | undefined> {
  const { execFileSync } = await import('node:child_process');
  const dir = mkdtempSync(join(tmpdir(), 'pulse-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', dir], { stdio: 'ignore' });
    return { dir, unmount: () => execFileSync('umount', [dir], { stdio: 'ignore' }) };
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
}

// two independent child processes: side by side
pgliteOnly('an unusable embedded database directory', { concurrent: true }, () => {
  it('reports a full disk in one line with exit 1', async (ctx) => {
    const fs = await tinyFilesystem();
    if (!fs) return ctx.skip();
    try {
      const r = await runPulse(['migrate'], { PULSE_DATA_DIR: join(fs.dir, 'data') });
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^pulse: cannot open the embedded database in .*: no space left on device \(ENOSPC\)/);
    } finally {
      fs.unmount();
      rmSync(fs.dir, { recursive: true, force: true });
    }
  });

  it('is reported in one line with exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pulse-bad-'));
    try {
      const file = join(dir, 'not-a-dir');
      writeFileSync(file, 'x');
      const r = await runPulse(['migrate'], { PULSE_DATA_DIR: join(file, 'data') });
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^pulse: cannot create the data directory .*not-a-dir\/data: .*ENOTDIR/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
