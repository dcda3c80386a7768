import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { acquireDataDirLock, type HeldDataDirLock } from './data-dir-lock.ts';
import * as schema from './schema/index.ts';
import { yieldBeforeQueries } from './pglite-yield.ts';
import { templateFor } from './pglite-template.ts';

export type Schema = typeof schema;
/** The database handle every query takes; the same type whichever driver is underneath. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface Database {
  db: Db;
  driver: 'postgres' | 'pglite';
  /** The connection string (postgres only), for tools that need their own connection. */
  url?: string;
  /** A streaming replica for reads that may lag (postgres with a read URL only). */
  readDb?: Db;
  /** Where the replica is, for logs (never includes a password). */
  readWhere?: string;
  /** A readable place the data lives, for logs (never includes a password). */
  where: string;
  /** PGlite only: this process's hold on its data directory */
  dirLock?: HeldDataDirLock;
  close(): Promise<void>;
}

export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));

/** An error that means the database cannot be reached or opened, phrased for one log line. */
export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError';
}

/** Removes the password from a connection string before it goes into a message. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}

export interface OpenOptions {
  databaseUrl?: string | undefined;
  dataDir: string;
  /** postgres.js pool size */
  max?: number;
  /** what opens an embedded database, written in its lock ("pulse serve") */
  command?: string;
  /** a PostgreSQL streaming replica to read from (DATABASE_READ_URL); needs databaseUrl */
  readUrl?: string | undefined;
}

/**
 * Opens the database: postgres.js on DATABASE_URL when it is set, otherwise PGlite stored under
 * dataDir (created when missing). Checks the connection before returning.
 */
export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.databaseUrl) {
    const primary = await openPool(opts.databaseUrl, opts.max ?? 10, 'the database');
    const where = redactUrl(opts.databaseUrl);
    if (!opts.readUrl) return { db: primary.db, driver: 'postgres', url: opts.databaseUrl, where, close: primary.close };
    let replica: Awaited<ReturnType<typeof openPool>>;
    try {
      replica = await openPool(opts.readUrl, opts.max ?? 10, 'the read replica (DATABASE_READ_URL)');
    } catch (err) {
      await primary.close().catch(() => {});
      throw err;
    }
    return {
      db: primary.db,
      readDb: replica.db,
      readWhere: redactUrl(opts.readUrl),
      driver: 'postgres',
      url: opts.databaseUrl,
      where,
      close: async () => {
        await Promise.all([primary.close(), replica.close()]);
      },
    };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  try {
    mkdirSync(opts.dataDir, { recursive: true });
  } catch (err) {
    throw new DatabaseUnavailableError(`cannot create the data directory ${opts.dataDir}: ${describe(err)}`);
  }
  // one process per data directory: PGlite cannot share one
  const dirLock = acquireDataDirLock(opts.dataDir, opts.command ?? 'a pulse process');
  let client: InstanceType<typeof PGlite>;
  try {
    // a new directory starts from the shipped copy of an empty cluster, not from initdb (slow)
    let template: Blob | undefined;
    try {
      template = templateFor(opts.dataDir);
    } catch {
      template = undefined;
    }
    const before = new Set(readdirSync(opts.dataDir));
    client = template
      ? await PGlite.create(opts.dataDir, { loadDataDir: template }).catch(async () => {
          // a copy PGlite cannot load: what it wrote goes (the directory held no cluster before,
          // only what was there already stays), then initdb as before
          for (const name of readdirSync(opts.dataDir))
            if (!before.has(name)) rmSync(join(opts.dataDir, name), { recursive: true, force: true });
          return PGlite.create(opts.dataDir);
        })
      : await PGlite.create(opts.dataDir);
  } catch (err) {
    dirLock.release();
    throw new DatabaseUnavailableError(`cannot open the embedded database in ${opts.dataDir}: ${describe(err)}`);
  }
  yieldBeforeQueries(client);
  const db = drizzle(client, { schema }) as unknown as Db;
  return {
    db,
    driver: 'pglite',
    where: opts.dataDir,
    dirLock,
    close: async () => {
      try {
        await client.close();
      } finally {
        dirLock.release();
      }
    },
  };
}

/** A postgres.js pool under drizzle, checked with one query; `what` names it in the error. */
async function openPool(url: string, max: number, what: string): Promise<{ db: Db; close(): Promise<void> }> {
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const client = postgres(url, { max, onnotice: () => {}, connect_timeout: 10, connection: { TimeZone: 'UTC' } });
  const db = drizzle(client, { schema }) as unknown as Db;
  try {
    await db.execute(sql`select 1`);
  } catch (err) {
    await client.end({ timeout: 1 }).catch(() => {});
    throw new DatabaseUnavailableError(`cannot connect to ${what} at ${redactUrl(url)}: ${describe(err)}`);
  }
  return { db, close: () => client.end({ timeout: 5 }) };
}

/** Errno values of the WebAssembly file system PGlite runs on (Emscripten's numbering). */
const WASM_ERRNO: Record<number, string> = {
  2: 'permission denied (EACCES)',
  44: 'no such file or directory (ENOENT)',
  51: 'no space left on device (ENOSPC)',
  63: 'operation not permitted (EPERM)',
  69: 'read-only file system (EROFS)',
};

/** A short reason from any thrown value (postgres.js errors carry a code, node errors an errno). */
export function describe(err: unknown): string {
  const o = err as { name?: string; errno?: number } | null;
  if (o && typeof o === 'object' && o.name === 'ErrnoError' && typeof o.errno === 'number')
    return WASM_ERRNO[o.errno] ?? `file system error (errno ${o.errno})`;
  if (err instanceof AggregateError && err.errors.length) return describe(err.errors[0]);
  if (err instanceof Error) {
    // drizzle wraps driver errors as "Failed query: ..." with the real reason as the cause
    if (err.cause && /^Failed query/.test(err.message)) return describe(err.cause);
    const code = (err as { code?: string }).code;
    const msg = err.message || code || err.name;
    return code && !msg.includes(code) ? `${msg} (${code})` : msg;
  }
  return String(err);
}

/** Rows from a raw `db.execute`: PGlite returns `{rows}`, postgres.js an array. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}
