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
}

export const stdio: Io = {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
};

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

/** Runs fn with an open, migrated database and always closes it. */
export async function withDatabase<T>(ctx: Context, fn: (database: Database) => Promise<T>): Promise<T> {
  const database = await openAndMigrate(ctx.config);
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
