import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/**
 * One process at a time per embedded data directory. PGlite is a single-process database: two
 * processes writing one directory is how rows are lost (the second sees a stale copy and
 * overwrites the first's writes). The first process writes `pulse.lock` with its pid; the
 * others see it, and either hand their work to it over its admin socket or refuse in one line.
 * A lock left by a process that died is detected (its pid is gone) and taken over.
 */
export interface LockInfo {
  pid: number;
  host: string;
  /** what holds it: "pulse serve", "pulse ingest", ... */
  command: string;
  startedAt: string;
  /** the admin socket of a running server, when it has one */
  socket?: string | undefined;
}

export const LOCK_FILE = 'pulse.lock';
export const SOCKET_FILE = 'pulse.sock';

const lockPath = (dataDir: string) => join(dataDir, LOCK_FILE);

/** True when the process that wrote the lock still runs (or runs on another host, which we cannot check). */
export function isAlive(info: LockInfo): boolean {
  if (info.host !== hostname()) return true;
  if (info.pid === process.pid) return true;
  try {
    process.kill(info.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The live lock on a data directory, or undefined when it is free (no lock, or a stale one). */
export function readLock(dataDir: string): LockInfo | undefined {
  let info: LockInfo;
  try {
    info = JSON.parse(readFileSync(lockPath(dataDir), 'utf8')) as LockInfo;
  } catch {
    return undefined;
  }
  if (typeof info?.pid !== 'number') return undefined;
  return isAlive(info) ? info : undefined;
}

export class DataDirBusyError extends Error {
  override name = 'DataDirBusyError';
  constructor(
    readonly dataDir: string,
    readonly holder: LockInfo,
  ) {
    super(
      `the embedded database in ${dataDir} is in use by ${holder.command} (pid ${holder.pid}${holder.host !== hostname() ? ` on ${holder.host}` : ''}, since ${holder.startedAt}); ` +
        'wait for it to finish or stop it, or set DATABASE_URL to use PostgreSQL, which many processes can share',
    );
  }
}

export interface HeldDataDirLock {
  info: LockInfo;
  /** records the admin socket a server listens on, for other processes to find */
  setSocket(socket: string | undefined): void;
  release(): void;
}

/** Takes the data directory for this process, taking over a stale lock; throws DataDirBusyError when it is held. */
export function acquireDataDirLock(dataDir: string, command: string): HeldDataDirLock {
  const path = lockPath(dataDir);
  const info: LockInfo = { pid: process.pid, host: hostname(), command, startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(path, JSON.stringify(info), { flag: 'wx', mode: 0o600 });
      let released = false;
      return {
        info,
        setSocket(socket) {
          info.socket = socket;
          writeFileSync(path, JSON.stringify(info), { mode: 0o600 });
        },
        release() {
          if (released) return;
          released = true;
          // only our own lock: never remove one another process took over
          try {
            const current = JSON.parse(readFileSync(path, 'utf8')) as LockInfo;
            if (current.pid === info.pid && current.startedAt === info.startedAt) rmSync(path, { force: true });
          } catch {
            // already gone
          }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readLock(dataDir);
      if (holder) throw new DataDirBusyError(dataDir, holder);
      // stale (its process is gone) or unreadable: take it over
      rmSync(path, { force: true });
    }
  }
  const holder = readLock(dataDir);
  throw holder ? new DataDirBusyError(dataDir, holder) : new Error(`cannot take the lock ${path}`);
}
