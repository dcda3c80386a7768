import { isTerminal, type Io } from './common.ts';

export interface Progress {
  /** `done` of `total` (when known) so far; `note` is a short tail such as "12 failed" */
  update(done: number, note?: string): void;
  /** clears the bar (a terminal) so the command's summary line follows cleanly */
  end(): void;
}

const WIDTH = 24;
/** least time between two plain lines when the output is not a terminal */
const PLAIN_EVERY_MS = 2000;

/** The line one update draws: a bar when the total is known, a count and rate either way. */
export function progressLine(label: string, done: number, total: number | undefined, elapsedMs: number, note?: string): string {
  const seconds = Math.max(elapsedMs / 1000, 0.001);
  const rate = `${Math.round(done / seconds)}/s`;
  const tail = note ? `, ${note}` : '';
  if (!total) return `${label}: ${done} (${rate}${tail})`;
  const share = Math.min(1, done / total);
  const filled = Math.round(share * WIDTH);
  const left = done > 0 && done < total ? `, ~${Math.ceil(((total - done) * seconds) / done)} s left` : '';
  return `${label} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${Math.floor(share * 100)}% ${done}/${total} (${rate}${left}${tail})`;
}

/** One line on a terminal's stderr, rewritten in place; `tty` is false when output is not a terminal. */
export interface StatusLine {
  readonly tty: boolean;
  /** replaces the line (does nothing when not a terminal) */
  show(text: string): void;
  /** clears the line, if one was drawn */
  clear(): void;
}

export function statusLine(io: Io): StatusLine {
  const tty = isTerminal(io);
  let drawn = false;
  return {
    tty,
    show(text) {
      if (!tty) return;
      process.stderr.write(`\r\x1b[2K${text}`);
      drawn = true;
    },
    clear() {
      if (drawn) process.stderr.write('\r\x1b[2K');
      drawn = false;
    },
  };
}

/**
 * Progress for long commands: on a terminal, a bar redrawn in place on stderr; otherwise plain
 * lines on stdout, at most one every two seconds, so a log stays readable.
 */
export function progress(io: Io, label: string, total?: number, now: () => number = Date.now): Progress {
  const started = now();
  const status = statusLine(io);
  let lastPlain = -Infinity;
  return {
    update(done, note) {
      const line = progressLine(label, done, total, now() - started, note);
      if (status.tty) status.show(line);
      else if (now() - lastPlain >= PLAIN_EVERY_MS) {
        lastPlain = now();
        io.out(line);
      }
    },
    end: () => status.clear(),
  };
}
