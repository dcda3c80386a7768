import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Database } from '../../db/client.ts';
import { loadConfig, type Config } from '../config.ts';
import { createLogger, type Logger } from '../logger.ts';
import { openAndMigrate } from '../runtime.ts';
import { systemClock } from '../clock.ts';
import { defaultModel } from '../classify/model.ts';
import type { ServiceDeps } from '../services/deps.ts';

/** A mistake in how the command was called: usage goes to stderr, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A command that could not do its work: one line to stderr, exit code 1. */
export class CommandError extends Error {
  override name = 'CommandError';
}

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  /** raw output (a whole document, no newline added); defaults to out */
  write?: (text: string) => void;
  /** the directory relative paths in arguments are read against (a forwarded command's caller's) */
  cwd?: string;
}

export const stdio: Io = {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
  write: (text) => process.stdout.write(text),
};

/** Writes a whole document to the command's output. */
export const writeOut = (io: Io, text: string) => (io.write ? io.write(text) : io.out(text.replace(/\n$/, '')));

/** A path from the command line, as the person who typed it meant it. */
export const pathFrom = (io: Io, path: string) => resolve(io.cwd ?? process.cwd(), path);

/**
 * The open database of the server this process is, when it is one: commands sent over the
 * admin channel run on it instead of opening the data directory a second time.
 */
let shared: Database | undefined;
let currentCommand = 'command';
/** The command this process runs, named in the embedded database's lock while it holds it. */
export function setCurrentCommand(name: string): void {
  currentCommand = name;
}
/** True when the command's output goes to this process's own terminal (progress bars only then). */
export const isTerminal = (io: Io) => io === stdio && process.stderr.isTTY === true;
export function shareDatabase(database: Database | undefined): void {
  shared = database;
}

/** node:util parseArgs in strict mode, with its errors turned into usage errors. */
export function parse<T extends ParseArgsConfig['options']>(args: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export interface Context {
  config: Config;
  logger: Logger;
}

/** Config and a logger: commands that print results keep logs on stderr at warn level. */
export function context(opts: { quiet?: boolean } = {}): Context {
  const config = loadConfig();
  const logger = opts.quiet
    ? createLogger(config.logLevel === 'silent' ? 'silent' : 'warn', { pretty: false })
    : createLogger(config.logLevel);
  return { config, logger };
}

/** Runs fn with an open, migrated database and always closes it (the server's own, left open, when shared). */
export async function withDatabase<T>(ctx: Context, fn: (database: Database) => Promise<T>): Promise<T> {
  if (shared) return fn(shared);
  const database = await openAndMigrate(ctx.config, undefined, { command: `pulse ${currentCommand}` });
  try {
    return await fn(database);
  } finally {
    await database.close();
  }
}

/** Service dependencies over an open database: the system clock, and the shipped model, loaded
 * only when a verb asks for it. */
export function serviceDeps(ctx: Context, database: Database): ServiceDeps {
  return {
    db: database.db,
    clock: systemClock,
    config: ctx.config,
    logger: ctx.logger,
    get model() {
      return defaultModel();
    },
  };
}

/** Runs fn with service dependencies over an open, migrated database, and always closes it. */
export async function withServices<T>(ctx: Context, fn: (deps: ServiceDeps, database: Database) => Promise<T>): Promise<T> {
  return withDatabase(ctx, (database) => fn(serviceDeps(ctx, database), database));
}

/** A positive whole-number id from a positional argument. */
export function parseId(value: string | undefined, what: string): number {
  if (value === undefined) throw new UsageError(`missing ${what}`);
  if (!/^\d{1,9}$/.test(value) || Number(value) < 1) throw new UsageError(`${what} must be a positive whole number, got "${value}"`);
  return Number(value);
}

/** Left-aligned text columns for list output. */
export function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '));
}
