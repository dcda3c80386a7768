import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_SOURCES } from '../db/seed/sources.ts';
import { runPulse, startPulse, stop } from './helpers/cli.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The embedded database's settings for a fresh directory, with fetches that fail fast (no internet here). */
function env(dir: string) {
  return {
    PULSE_DATA_DIR: dir,
    PULSE_FETCH_TIMEOUT_MS: '3000',
    PULSE_FETCH_CONNECT_TIMEOUT_MS: '2000',
    // the server's own jobs stay out of the way; the test runs ingest by hand, as the README does
    PULSE_SCHEDULE_INGEST: '0 0 1 1 *',
    PULSE_SCHEDULE_ROLLUP: '0 0 1 1 *',
    PULSE_SCHEDULE_CLASSIFY: '0 0 1 1 *',
  };
}

describe("the README's Quick start, as a newcomer runs it", () => {
  it('runs ingest and keys create while the server is up, and the server sees both at once', { timeout: 180_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pulse-quickstart-'));
    dirs.push(dir);
    const server = await startPulse(
      ['serve'],
      { ...env(dir), PORT: '0', HOST: '127.0.0.1', PULSE_LOG_LEVEL: 'info' },
      /Pulse is listening on (http:\/\/[^"\s]+)/,
      90_000,
    );
    const base = server.match[1]!.replace('localhost', '127.0.0.1');
    try {
      // npx pulse ingest --all (its fetches fail here, without internet; what matters is where they are recorded)
      const ingest = await runPulse(['ingest', '--all'], env(dir));
      expect(ingest.code, ingest.stderr).toBe(0);
      expect(ingest.stdout).toMatch(new RegExp(`${DEFAULT_SOURCES.length} sources`));
      // pulse keys create: the secret is the last stdout line, and the running server accepts it at once
      const created = await runPulse(['keys', 'create', '--name', 'me', '--scope', 'admin'], env(dir));
      expect(created.code, created.stderr).toBe(0);
      const secret = created.stdout.trim().split('\n').at(-1)!;
      const keys = await fetch(`${base}/api/v1/keys`, { headers: { Authorization: `Bearer ${secret}` } });
      expect(keys.status).toBe(200);
      expect(((await keys.json()) as { keys: { name: string }[] }).keys.map((k) => k.name)).toEqual(['me']);
      // every source is listed, and each carries the ingest run's outcome
      const sources = (
        (await (await fetch(`${base}/api/v1/sources`)).json()) as { sources: { health: { lastFetchedAt: string | null } }[] }
      ).sources;
      expect(sources).toHaveLength(DEFAULT_SOURCES.length);
      expect(sources.every((s) => s.health.lastFetchedAt !== null)).toBe(true);
      const listed = await runPulse(['sources', 'list'], env(dir));
      expect(listed.stdout.trim().split('\n')).toHaveLength(DEFAULT_SOURCES.length + 1);
      // a second server on the same directory refuses in one line naming the first
      const second = await runPulse(['serve'], { ...env(dir), PORT: '0' });
      expect(second.code).toBe(1);
      expect(second.stderr.trim().split('\n')).toHaveLength(1);
      expect(second.stderr).toMatch(new RegExp(`in use by pulse serve \\(pid ${server.child.pid}`));
    } finally {
      expect(await stop(server.child)).toBe(0);
    }
    // the server is gone: the next command opens the directory itself and sees the same data
    const after = await runPulse(['keys', 'list'], env(dir));
    expect(after.code, after.stderr).toBe(0);
    expect(after.stdout).toMatch(/\bme\b/);
  });

  it('takes over a lock left by a process that died, and refuses one held by a live process without a server', {
    timeout: 120_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pulse-lock-'));
    dirs.push(dir);
    writeFileSync(
      join(dir, 'pulse.lock'),
      JSON.stringify({
        pid: 2 ** 22 + 12345,
        host: (await import('node:os')).hostname(),
        command: 'pulse ingest',
        startedAt: '2025-01-01T00:00:00Z',
      }),
    );
    const stale = await runPulse(['keys', 'list'], env(dir));
    expect(stale.code, stale.stderr).toBe(0);
    // this test process is alive and has no admin socket: a command must not open the directory beside it
    writeFileSync(
      join(dir, 'pulse.lock'),
      JSON.stringify({
        pid: process.pid,
        host: (await import('node:os')).hostname(),
        command: 'pulse reclassify',
        startedAt: '2025-01-01T00:00:00Z',
      }),
    );
    const busy = await runPulse(['keys', 'list'], env(dir));
    expect(busy.code).toBe(1);
    expect(busy.stderr).toMatch(
      new RegExp(
        `^pulse: the embedded database in .* is in use by pulse reclassify \\(pid ${process.pid}, since 2025-01-01T00:00:00Z\\); wait for it`,
      ),
    );
    rmSync(join(dir, 'pulse.lock'));
  });
});
