import { openDatabase, type Database } from '../db/client.ts';
import { migrate } from '../db/migrate.ts';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';

/** Opens the configured database and brings its schema up to date. */
export async function openAndMigrate(config: Config, logger?: Logger, command?: string): Promise<Database> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, command });
  try {
    await migrate(database);
  } catch (err) {
    await database.close().catch(() => {});
    throw err;
  }
  logger?.info({ driver: database.driver, where: database.where }, 'database ready');
  return database;
}
