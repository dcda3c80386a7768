import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../db/client.ts';
import { backfills, items } from '../db/schema/index.ts';
import { jobDefinitions, runJob } from '../jobs/scheduler.ts';
import { defaultModel } from '../src/classify/model.ts';
import { fixedClock } from '../src/clock.ts';
import { silentLogger } from '../src/logger.ts';
import { addSource } from '../src/services/sources.ts';
import { testConfig } from './helpers/app.ts';
import { childEnv, migratedDataDir, PULSE_BIN } from './helpers/cli.ts';
import { createEmptyPgDatabase, testDatabaseUrl } from './helpers/db.ts';
import { eternautaArticle, startTradePress, type Article } from './helpers/web-sites.ts';

/**
 * A backfill whose process is killed outright (SIGKILL: no handler runs, nothing is saved on the
 * way out) is taken up by the scheduled backfill job once its lease has run out, and finishes
 * from the place it last stored, with nothing stored twice.
 */
const day = (m: number, d: number, h = 9) => new Date(Date.UTC(2025, m - 1, d, h));
function archive(): Article[] {
  const out: Article[] = [];
  let i = 0;
  for (let t = day(6, 25).getTime(); t < day(8, 5).getTime(); t += 86_400_000) {
    out.push(eternautaArticle(i++, new Date(t), 'killed'), eternautaArticle(i++, new Date(t + 5 * 3_600_000), 'killed'));
  }
  return out;
}
const inJuly = (list: Article[]) => list.filter((a) => a.date >= day(7, 1, 0) && a.date < day(8, 1, 0)).length;

describe('a backfill killed mid-walk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pulse-kill-'));
  let pg: { url: string; drop(): Promise<void> } | undefined;
  let env: Record<string, string>;
  const open = (): Promise<Database> =>
    openDatabase(pg ? { databaseUrl: pg.url, dataDir: '', max: 3 } : { databaseUrl: '', dataDir: env.PULSE_DATA_DIR! });

  beforeAll(async () => {
    if (testDatabaseUrl) {
      pg = await createEmptyPgDatabase();
      env = { DATABASE_URL: pg.url };
    } else {
      env = { PULSE_DATA_DIR: migratedDataDir(join(dir, 'data')) };
    }
  });
  afterAll(async () => {
    await pg?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is resumed by the backfill job after its lease, from its stored page, without duplicates', async () => {
    // ten articles a page: July's 62 articles span pages 1 to 8
    const press = await startTradePress({ articles: archive(), sitemaps: false });
    try {
      let sourceId: number;
      if (pg) {
        // the child migrates an empty PostgreSQL database on its first command
        const first = spawn(process.execPath, [PULSE_BIN, 'sources', 'list'], { env: childEnv(env), stdio: 'ignore' });
        await new Promise((r) => first.on('close', r));
      }
      {
        const database = await open();
        sourceId = (await addSource({ db: database.db }, { url: `${press.base}/feed/`, kind: 'news' })).row.id;
        await database.close();
      }

      // the walk waits 300 ms between requests to the site, so there is time to kill it mid-way
      const child = spawn(
        process.execPath,
        [PULSE_BIN, 'backfill', '--source', String(sourceId), '--from', '2025-07-01', '--to', '2025-07-31'],
        {
          env: childEnv({ ...env, PULSE_ALLOW_PRIVATE_FEEDS: 'true', PULSE_CRAWL_DELAY_MS: '300' }),
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let output = '';
      child.stdout!.on('data', (d) => (output += d));
      child.stderr!.on('data', (d) => (output += d));
      const exited = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_code, signal) => r(signal)));
      const deadline = Date.now() + 60_000;
      while (!press.log.some((p) => p.endsWith('paged=4')) && child.exitCode === null && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(child.exitCode, output).toBeNull();
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      const logAtKill = press.log.length;

      const database = await open();
      try {
        const [left] = await database.db.select().from(backfills).where(eq(backfills.sourceId, sourceId));
        // the process died holding it: still "running", with the page it had reached stored
        expect(left!.status).toBe('running');
        expect(left!.progress.stage).toBe('paged_feed');
        expect(left!.progress.position).toBeGreaterThanOrEqual(3);
        const storedAtKill = (await database.db.select().from(items).where(eq(items.sourceId, sourceId))).length;
        expect(storedAtKill).toBeGreaterThan(0);
        expect(storedAtKill).toBeLessThan(inJuly(press.articles));

        const config = testConfig({ PULSE_CRAWL_DELAY_MS: '0' });
        const def = jobDefinitions(config).find((d) => d.name === 'backfill')!;
        const deps = (at: Date) => ({
          database,
          config,
          logger: silentLogger(),
          clock: fixedClock(at.toISOString()),
          instance: 'test-resumer',
          model: defaultModel(),
        });
        // within the lease the dead process's claim still stands: nothing is taken
        const early = await runJob(def, deps(new Date(left!.heartbeatAt!.getTime() + 5_000)));
        expect(early).toMatchObject({ status: 'ok', counts: { pending: 0, resumed: 0 } });
        expect(press.log.length).toBe(logAtKill);

        // past the lease the job takes it over and carries on from the stored page
        const late = await runJob(def, deps(new Date(left!.heartbeatAt!.getTime() + 120_000)));
        expect(late).toMatchObject({ status: 'ok', counts: { pending: 1, resumed: 1, done: 1, takenByOthers: 0 } });
        const [after] = await database.db.select().from(backfills).where(eq(backfills.id, left!.id));
        expect(after!.status).toBe('done');
        const feedPagesAfter = press.log.slice(logAtKill).filter((p) => p.startsWith('/feed/'));
        expect(feedPagesAfter.length).toBeGreaterThan(0);
        // pages before the stored position were not fetched again
        for (const p of feedPagesAfter) {
          const n = Number(p.match(/paged=(\d+)/)?.[1] ?? 1);
          expect(n, p).toBeGreaterThanOrEqual(left!.progress.position!);
        }
        const [{ n, urls }] = (await database.db
          .select({ n: sql<number>`count(*)::int`, urls: sql<number>`count(distinct ${items.url})::int` })
          .from(items)
          .where(eq(items.sourceId, sourceId))) as [{ n: number; urls: number }];
        expect(n).toBe(inJuly(press.articles));
        expect(urls).toBe(n);

        // nothing is left for the next run
        const next = await runJob(def, deps(new Date(left!.heartbeatAt!.getTime() + 240_000)));
        expect(next.counts).toMatchObject({ pending: 0 });
      } finally {
        await database.close();
      }
    } finally {
      await press.close();
    }
  }, 120_000);
});
