import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS_DIR, type Database } from './client.ts';

/** Arbitrary constant key for the advisory lock that serialises migrations across processes. */
const MIGRATION_LOCK = 7_110_001;

export interface JournalEntry {
  idx: number;
  tag: string;
  /** drizzle stores this as the migration's created_at, which is how an applied one is known */
  when: number;
}

/** The migrations this Pulse ships, oldest first (drizzle-kit's journal). */
export function migrationJournal(): JournalEntry[] {
  const journal = JSON.parse(readFileSync(join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as { entries: JournalEntry[] };
  return journal.entries.map(({ idx, tag, when }) => ({ idx, tag, when }));
}

/**
 * Applies every pending migration, or only the first `upTo` of the journal (a restore brings an
 * empty database to its backup's level before loading rows, then applies the rest). On
 * PostgreSQL several processes may start at once, so the run holds a session advisory lock on a
 * dedicated single connection; drizzle's migrator then skips what another process already applied.
 */
export async function migrate(database: Database, opts: { upTo?: number } = {}): Promise<void> {
  const folder = opts.upTo === undefined ? MIGRATIONS_DIR : journalPrefix(opts.upTo);
  try {
    if (database.driver === 'pglite') {
      const { migrate: run } = await import('drizzle-orm/pglite/migrator');
      await run(database.db as never, { migrationsFolder: folder });
      return;
    }
    const { default: postgres } = await import('postgres');
    const { drizzle } = await import('drizzle-orm/postgres-js');
    const { migrate: run } = await import('drizzle-orm/postgres-js/migrator');
    const client = postgres(database.url!, { max: 1, onnotice: () => {}, connect_timeout: 10 });
    try {
      await client`select pg_advisory_lock(${MIGRATION_LOCK})`;
      await run(drizzle(client), { migrationsFolder: folder });
      await client`select pg_advisory_unlock(${MIGRATION_LOCK})`;
    } finally {
      await client.end({ timeout: 5 });
    }
  } finally {
    if (folder !== MIGRATIONS_DIR) rmSync(folder, { recursive: true, force: true });
  }
}

/** A temporary migrations folder holding only the first n migrations of the journal. */
function journalPrefix(n: number): string {
  const journal = JSON.parse(readFileSync(join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as { entries: JournalEntry[] };
  const dir = mkdtempSync(join(tmpdir(), 'pulse-migrations-'));
  mkdirSync(join(dir, 'meta'));
  const entries = journal.entries.slice(0, n);
  writeFileSync(join(dir, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries }));
  for (const e of entries) copyFileSync(join(MIGRATIONS_DIR, `${e.tag}.sql`), join(dir, `${e.tag}.sql`));
  return dir;
}
