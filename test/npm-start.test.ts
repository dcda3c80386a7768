import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { childEnv } from './helpers/cli.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('npm start', () => {
  it('stops the server when npm is sent SIGTERM (a supervisor stopping "npm start" stops Pulse)', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pulse-npm-start-'));
    dirs.push(dir);
    const npm = spawn('npm', ['start', '--silent'], {
      env: childEnv({ PULSE_DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', PULSE_SEED_SOURCES: 'false', PULSE_LOG_LEVEL: 'info' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready:\n${output}`)), 90_000);
      const onData = (d: Buffer) => {
        output += d;
        const m = /Pulse is listening on (http:\/\/[^"\s]+)/.exec(output);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!.replace('localhost', '127.0.0.1'));
        }
      };
      npm.stdout.on('data', onData);
      npm.stderr.on('data', onData);
    });
    expect((await fetch(`${url}/health`)).status).toBe(200);
    const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
    npm.kill('SIGTERM');
    await exited;
    // the server itself, not only npm, is gone: its port stops answering
    let down = false;
    for (let i = 0; i < 40 && !down; i++) {
      try {
        await fetch(`${url}/health`, { signal: AbortSignal.timeout(500) });
        await new Promise((r) => setTimeout(r, 250));
      } catch {
        down = true;
      }
    }
    expect(down).toBe(true);
  });
});
