import { seedSourcesOnce } from '../../db/queries/sources.ts';
import { defaultSourceRows } from '../../db/seed/sources.ts';
import { startServer } from '../server.ts';
import { openAndMigrate } from '../runtime.ts';
import { context, parse, type Io } from './common.ts';
import { onShutdown } from './shutdown.ts';

export const serveUsage = `pulse serve                                              run the HTTP API (what npm start runs)`;

/** `pulse serve`: migrate, listen, and stop cleanly on SIGTERM/SIGINT. */
export async function serveCommand(args: string[], _io: Io): Promise<number> {
  parse(args, {});
  const { config, logger } = context();
  const database = await openAndMigrate(config, logger);
  if (config.seedSources) {
    const seeded = await seedSourcesOnce(database.db, defaultSourceRows());
    if (seeded) logger.info({ seeded }, `seeded ${seeded} default sources (first start)`);
  }
  let server;
  try {
    server = await startServer({ config, database, logger });
  } catch (err) {
    await database.close();
    throw err;
  }
  logger.info({ url: server.url }, `Pulse is listening on ${server.url}`);
  await onShutdown(logger, async () => {
    await server.close();
    await database.close();
  });
  return 0;
}
