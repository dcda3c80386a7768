import v8 from 'node:v8';
import type { Scheduler } from '../../jobs/scheduler.ts';
import { systemClock } from '../clock.ts';
import { INSTANCE_ID } from '../instance.ts';
import { openAndMigrate } from '../runtime.ts';
import type { RunningServer } from '../server.ts';
import { context, parse, shareDatabase, type Io } from './common.ts';
import { onShutdown } from './shutdown.ts';

/**
 * After each full collection V8 lets the heap grow to up to four times what is live before the
 * next one. A service that streams (exports, feeds) turns that into RSS: a 1M-row export took
 * the API from 137 to 232 MB while its live heap stayed near 25 MB. A smaller factor collects
 * sooner: 50% held the same export to 158 MB for 8% more time (README, benchmarks).
 */
function limitHeapGrowth(percent: number) {
  if (percent > 0) v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
}

/** Starts what a process runs: the API, the jobs, or both, and stops them in order on a signal. */
async function runService(opts: { api: boolean; jobs: boolean }): Promise<number> {
  const { config, logger } = context();
  limitHeapGrowth(config.heapGrowthPercent);
  // The server's, the jobs' and the classifier's modules load while the database opens: an
  // embedded one spends most of its second compiling WebAssembly on other threads.
  const loading = Promise.all([
    import('../../db/seed/sources.ts'),
    import('../../db/seed/announcements.ts'),
    import('../services/announcements.ts'),
    import('../services/sources.ts'),
    opts.jobs ? import('../../jobs/scheduler.ts') : undefined,
    import('../classify/model.ts'),
    import('../metrics.ts'),
    opts.api ? import('../server.ts') : undefined,
    import('./admin-channel.ts'),
  ]);
  // (a failed open must not leave the loading promise rejected and unheard)
  loading.catch(() => {});
  const database = await openAndMigrate(config, logger, { reads: opts.api, command: opts.api ? 'pulse serve' : 'pulse worker' });
  const [
    { defaultSourceRows },
    { DEFAULT_ANNOUNCEMENTS },
    { seedAnnouncementsOnce },
    { seedSourcesOnce },
    schedulerModule,
    { defaultModel },
    { createMetrics },
    serverModule,
    { startAdminChannel },
  ] = await loading.catch(async (err) => {
    await database.close();
    throw err;
  });
  const metrics = createMetrics({ process: true });
  let server: RunningServer | undefined;
  let scheduler: Scheduler | undefined;
  let channel: { close(): Promise<void> } | undefined;
  try {
    if (database.dirLock) {
      // other pulse commands on this data directory run in this process, on this database
      shareDatabase(database);
      channel = await startAdminChannel({
        dataDir: config.dataDir,
        lock: database.dirLock,
        logger,
        run: async (argv, io) => (await import('../cli.ts')).main(argv, io),
      });
    }
    if (config.seedSources) {
      const seeded = await seedSourcesOnce({ db: database.db }, defaultSourceRows());
      if (seeded) logger.info({ seeded }, `seeded ${seeded} default sources (first start)`);
    }
    const announcements = await seedAnnouncementsOnce({ db: database.db }, DEFAULT_ANNOUNCEMENTS);
    if (announcements) logger.info({ announcements }, `seeded ${announcements} studio AI announcements (first start)`);
    const model = defaultModel();
    if (opts.jobs) {
      scheduler = schedulerModule!.startScheduler({ database, config, logger, clock: systemClock, instance: INSTANCE_ID, model, metrics });
    }
    if (opts.api) {
      server = await serverModule!.startServer({ config, database, logger, metrics, model });
      logger.info({ url: server.url, jobs: opts.jobs }, `Pulse is listening on ${server.url}`);
    } else {
      logger.info({ instance: INSTANCE_ID }, 'Pulse worker running scheduled jobs');
    }
  } catch (err) {
    await channel?.close();
    await scheduler?.stop();
    await database.close();
    throw err;
  }
  await onShutdown(logger, async () => {
    await channel?.close();
    await scheduler?.stop();
    await server?.close();
    await database.close();
  });
  return 0;
}

/** `pulse serve [--no-jobs]`. */
export async function serveCommand(args: string[], _io: Io): Promise<number> {
  const { values } = parse(args, { 'no-jobs': { type: 'boolean', default: false } });
  return runService({ api: true, jobs: !values['no-jobs'] });
}

/** `pulse worker`: jobs only; any number may share one PostgreSQL. */
export async function workerCommand(args: string[], _io: Io): Promise<number> {
  parse(args, {});
  return runService({ api: false, jobs: true });
}
