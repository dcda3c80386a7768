import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, inject } from 'vitest';
import { openDatabase, type Database } from '../../db/client.ts';
import { migrate } from '../../db/migrate.ts';
import { yieldBeforeQueries } from '../../db/pglite-yield.ts';

/** The PostgreSQL server the suite runs against, when TEST_DATABASE_URL is set. */
export const testDatabaseUrl = process.env.TEST_DATABASE_URL || undefined;

/**
 * For a group of tests that use no database or only embedded data directories of their own
 * (child `pulse` processes on PGlite): they would do the same work on the PostgreSQL pass, so
 * that pass skips them, as it leaves out the files listed in vitest.config.ts.
 */
export const pgliteOnly = describe.skipIf(Boolean(testDatabaseUrl));

/**
 * A clean, migrated database for one test file. PGlite: restored from the suite's snapshot.
 * PostgreSQL: a new database on TEST_DATABASE_URL's server, dropped by close().
 */
export async function freshDatabase(): Promise<Database & { url?: string }> {
  if (!testDatabaseUrl) {
    const { PGlite } = await import('@electric-sql/pglite');
    const { drizzle } = await import('drizzle-orm/pglite');
    const schema = await import('../../db/schema/index.ts');
    const snapshot = readFileSync(inject('pgliteSnapshot'));
    const pg = await PGlite.create({ loadDataDir: new Blob([snapshot]) });
    // as openDatabase sets up the embedded database: each query after a turn of the event loop
    yieldBeforeQueries(pg);
    return { db: drizzle(pg, { schema }) as never, driver: 'pglite', where: 'memory', close: () => pg.close() };
  }
  const name = `pulse_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin(`create database ${name}`);
  const url = withDatabaseName(testDatabaseUrl, name);
  const database = await openDatabase({ databaseUrl: url, dataDir: '', max: 5 });
  await migrate(database);
  return {
    ...database,
    url,
    close: async () => {
      await database.close();
      await admin(`drop database if exists ${name} with (force)`);
    },
  };
}

/** Creates an empty PostgreSQL database (for tests that start child processes). */
export async function createEmptyPgDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  if (!testDatabaseUrl) throw new Error('TEST_DATABASE_URL is not set');
  const name = `pulse_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin(`create database ${name}`);
  return { url: withDatabaseName(testDatabaseUrl, name), drop: () => admin(`drop database if exists ${name} with (force)`) };
}

function withDatabaseName(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin(statement: string): Promise<void> {
  const { default: postgres } = await import('postgres');
  const sql = postgres(testDatabaseUrl!, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(statement);
  } finally {
    await sql.end({ timeout: 5 });
  }
}
