import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';

export const PULSE_BIN = fileURLToPath(new URL('../../bin/pulse.js', import.meta.url));

/**
 * Node's flags for child `pulse` processes: one garbage-collection thread, as a short command
 * needs no more. The suite keeps both cores busy, and helper GC threads only compete with it
 * (about 12% less CPU per command).
 */
export const CHILD_NODE_FLAGS = ['--single-threaded-gc'];

/**
 * Makes `dir` an embedded database that is already migrated (a copy of the suite's), so that a
 * child process's first command does not spend seconds migrating. Returns `dir`. Tests of the
 * first start on an empty directory use an empty one instead.
 */
export function migratedDataDir(dir: string): string {
  cpSync(inject('pgliteDataDir'), dir, { recursive: true });
  return dir;
}

/** Environment for a child pulse process: no inherited database settings unless given. */
export function childEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const base = { ...process.env };
  delete base.DATABASE_URL;
  delete base.PORT;
  return { ...base, PULSE_LOG_LEVEL: 'warn', ...env };
}

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `pulse ...args` to completion. */
export function runPulse(args: string[], env: Record<string, string | undefined> = {}, input?: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...CHILD_NODE_FLAGS, PULSE_BIN, ...args], {
      env: childEnv(env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

/** Starts a long-running pulse process and resolves once a line of its output matches `ready`. */
export function startPulse(
  args: string[],
  env: Record<string, string | undefined>,
  ready: RegExp,
  timeoutMs = 120_000,
): Promise<{ child: ChildProcess; output: () => string; match: RegExpMatchArray }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...CHILD_NODE_FLAGS, PULSE_BIN, ...args], {
      env: childEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`pulse ${args.join(' ')} not ready within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (d: Buffer) => {
      output += d;
      const m = output.match(ready);
      if (m) {
        clearTimeout(timer);
        resolve({ child, output: () => output, match: m });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`pulse ${args.join(' ')} exited with ${code} before ready:\n${output}`));
    });
  });
}

/** Sends a signal and resolves with the exit code. */
export function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.removeAllListeners('exit');
    child.once('exit', (code) => resolve(code));
    child.kill(signal);
  });
}
