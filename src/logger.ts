import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

/** JSON lines to stdout; human-readable when stdout is a terminal. */
export function createLogger(level: string, opts: { pretty?: boolean } = {}): Logger {
  const usePretty = opts.pretty ?? process.stdout.isTTY === true;
  const base = { level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime };
  return usePretty ? pino(base, pretty({ colorize: true, sync: true })) : pino(base);
}

/** A logger that writes nothing, for tests and quiet commands. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
