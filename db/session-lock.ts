import { sql } from 'drizzle-orm';
import { rowsOf, type Database } from './client.ts';

/** What a held lock tells the work it guards. */
export interface HeldLock {
  /** aborted when the lock's connection closes while the work still runs (the lock is gone) */
  lost: AbortSignal;
}

export type LockOutcome<T> = { acquired: true; value: T } | { acquired: false };

/** Keys held in this process, per PGlite handle: PGlite is one session, where advisory locks nest. */
const heldHere = new WeakMap<object, Set<string>>();

/**
 * Runs fn while holding the session-level advisory lock `hashtext(key)`, or not at all when
 * another session holds it. On PostgreSQL the lock lives on a dedicated connection that stays
 * idle outside any transaction, so idle_in_transaction_session_timeout never ends it (and
 * idle_session_timeout is switched off for that session); it is released with
 * pg_advisory_unlock when fn settles, and by the server if the connection or process dies.
 * On PGlite (one process, one connection) a process-local guard excludes a second holder and
 * the same lock call is made.
 */
export async function withSessionLock<T>(database: Database, key: string, fn: (lock: HeldLock) => Promise<T>): Promise<LockOutcome<T>> {
  return database.driver === 'pglite' ? withLocalLock(database, key, fn) : withConnectionLock(database, key, fn);
}

async function withLocalLock<T>(database: Database, key: string, fn: (lock: HeldLock) => Promise<T>): Promise<LockOutcome<T>> {
  let held = heldHere.get(database.db);
  if (!held) heldHere.set(database.db, (held = new Set()));
  if (held.has(key)) return { acquired: false };
  held.add(key);
  try {
    const [row] = rowsOf<{ locked: boolean }>(await database.db.execute(sql`select pg_try_advisory_lock(hashtext(${key})) as locked`));
    if (!row?.locked) return { acquired: false };
    try {
      return { acquired: true, value: await fn({ lost: new AbortController().signal }) };
    } finally {
      await database.db.execute(sql`select pg_advisory_unlock(hashtext(${key}))`).catch(() => {});
    }
  } finally {
    held.delete(key);
  }
}

async function withConnectionLock<T>(database: Database, key: string, fn: (lock: HeldLock) => Promise<T>): Promise<LockOutcome<T>> {
  if (!database.url) throw new Error('a session lock on PostgreSQL needs the connection string');
  const { default: postgres } = await import('postgres');
  const lost = new AbortController();
  let settled = false;
  const client = postgres(database.url, {
    max: 1,
    idle_timeout: 0,
    max_lifetime: null,
    connect_timeout: 10,
    onnotice: () => {},
    connection: { application_name: `pulse lock ${key}`.slice(0, 63) },
    onclose: () => {
      if (!settled) lost.abort(new Error(`the connection holding lock ${key} closed`));
    },
  });
  try {
    const [row] = await client<{ locked: boolean }[]>`select pg_try_advisory_lock(hashtext(${key})) as locked`;
    if (!row?.locked) return { acquired: false };
    try {
      // PostgreSQL 14+ may end idle sessions; this one is idle by design (on older servers the row is absent)
      await client`select set_config(name, '0', false) from pg_settings where name = 'idle_session_timeout'`;
      return { acquired: true, value: await fn({ lost: lost.signal }) };
    } finally {
      settled = true;
      // a closed connection already took the lock with it
      await client`select pg_advisory_unlock(hashtext(${key}))`.catch(() => {});
    }
  } finally {
    settled = true;
    await client.end({ timeout: 5 }).catch(() => {});
  }
}
