import { MIGRATIONS_DIR, type Database } from './client.ts';

/** Arbitrary constant key for the advisory lock that serialises migrations across processes. */
const MIGRATION_LOCK = 7_110_001;

/**
 * Applies every pending migration. On PostgreSQL several processes may start at once, so the
 * run holds a session advisory lock on a dedicated single connection; drizzle's migrator then
 * skips what another process already applied.
 */
export async function migrate(database: Database): Promise<void> {
  if (database.driver === 'pglite') {
    const { migrate: run } = await import('drizzle-orm/pglite/migrator');
    await run(database.db as never, { migrationsFolder: MIGRATIONS_DIR });
    return;
  }
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const { migrate: run } = await import('drizzle-orm/postgres-js/migrator');
  const client = postgres(database.url!, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    await client`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await run(drizzle(client), { migrationsFolder: MIGRATIONS_DIR });
    await client`select pg_advisory_unlock(${MIGRATION_LOCK})`;
  } finally {
    await client.end({ timeout: 5 });
  }
}
