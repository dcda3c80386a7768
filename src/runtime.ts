import { openDatabase, type Database } from '../db/client.ts';
import { migrate } from '../db/migrate.ts';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';

/**
 * Opens the configured database and brings its schema up to date. `reads: true` (the API) also
 * opens the read replica when DATABASE_READ_URL is set; workers and commands use the primary only.
 * `command` names the process in an embedded data directory's lock.
 */
export async function openAndMigrate(config: Config, logger?: Logger, opts: { reads?: boolean; command?: string } = {}): Promise<Database> {
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    readUrl: opts.reads ? config.databaseReadUrl : undefined,
    command: opts.command,
  });
  try {
    await migrate(database);
  } catch (err) {
    await database.close().catch(() => {});
    throw err;
  }
  logger?.info(
    { driver: database.driver, where: database.where, ...(database.readWhere ? { reads: database.readWhere } : {}) },
    'database ready',
  );
  return database;
}
