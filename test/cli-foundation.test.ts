import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEmptyPgDatabase, pgliteOnly, testDatabaseUrl } from './helpers/db.ts';
import { migratedDataDir, runPulse, startPulse, stop } from './helpers/cli.ts';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'pulse-cli-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

// Every test has its own data directory and mostly waits on child processes: they run side by side.
// None of them reads TEST_DATABASE_URL, so the PostgreSQL pass skips them.
pgliteOnly('pulse command line', { concurrent: true }, () => {
  it('prints help with --help and exits 0', async () => {
    const r = await runPulse(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('pulse serve');
    expect(r.stdout).toContain('pulse keys create');
  });

  it('exits 2 on an unknown command or flag, in one line naming where the help is', async () => {
    const a = await runPulse(['frobnicate']);
    expect(a.code).toBe(2);
    expect(a.stderr.trim().split('\n')).toEqual(['pulse: unknown command "frobnicate" (see pulse --help)']);
    const b = await runPulse(['keys', 'create', '--colour', 'red']);
    expect(b.code).toBe(2);
    expect(b.stderr.trim().split('\n')).toHaveLength(1);
    expect(b.stderr).toMatch(/^pulse keys: .*--colour.* \(see pulse keys --help\)$/m);
  });

  it("prints one command's help, with its flags and an example, for COMMAND --help", async () => {
    const r = await runPulse(['digest', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^pulse digest \[--week W\]/);
    expect(r.stdout).toContain('--rebuild');
    expect(r.stdout).toMatch(/Example:\n {2}pulse digest/);
    expect(r.stdout).not.toContain('Usage:');
  });

  it('stops on a bad PORT with one line and exit 1', async () => {
    const r = await runPulse(['serve'], { PORT: 'abc', PULSE_DATA_DIR: tempDir() });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual(['pulse: PORT: expected a whole number from 0 to 65535 (got "abc")']);
  });

  it('stops when DATABASE_URL points at a closed port, with one line and exit 1', async () => {
    const r = await runPulse(['serve'], { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' });
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^pulse: cannot connect to the database at postgres:\/\/postgres@127\.0\.0\.1:1\/none: .*ECONNREFUSED/);
  });

  it('creates, lists and revokes keys; the secret is the last stdout line', { timeout: 240_000 }, async () => {
    const env = { PULSE_DATA_DIR: migratedDataDir(join(tempDir(), 'data')) };
    const created = await runPulse(['keys', 'create', '--name', 'ops', '--scope', 'admin'], env);
    expect(created.code).toBe(0);
    const lines = created.stdout.trim().split('\n');
    expect(lines.at(-1)).toMatch(/^pulse_[\w-]{43}$/);
    const listed = await runPulse(['keys', 'list'], env);
    expect(listed.stdout).toMatch(/1\s+ops\s+admin/);
    expect(listed.stdout).not.toContain(lines.at(-1));
    const revoked = await runPulse(['keys', 'revoke', '1'], env);
    expect(revoked.code).toBe(0);
    expect((await runPulse(['keys', 'list'], env)).stdout).toMatch(/revoked/);
    const missing = await runPulse(['keys', 'revoke', '42'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^pulse: key 42 not found\n$/);
  });

  it('serves on the embedded database, keeps data across a restart, and exits 0 on SIGTERM', { timeout: 240_000 }, async () => {
    const dataDir = tempDir(); // empty: the first start creates and migrates the database
    const env = { PULSE_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', PULSE_LOG_LEVEL: 'info' };
    const first = await startPulse(['serve'], env, /listening on (http:\/\/[\d.]+:\d+)/);
    const base = first.match[1]!;
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect((await fetch(`${base}/ready`)).status).toBe(200);
    expect(await stop(first.child, 'SIGTERM')).toBe(0);

    const key = (await runPulse(['keys', 'create', '--name', 'kept'], env)).stdout.trim().split('\n').at(-1);
    const second = await startPulse(['serve'], env, /listening on (http:\/\/[\d.]+:\d+)/);
    const res = await fetch(`${second.match[1]}/api/v1/keys`, { headers: { Authorization: `Bearer ${key}` } });
    expect(res.status).toBe(403); // the key survived the restart: known, but write scope only
    expect(await stop(second.child, 'SIGINT')).toBe(0);
  });
});

describe.runIf(testDatabaseUrl)('pulse migrate on PostgreSQL', () => {
  it('migrates a real PostgreSQL database with pulse migrate', async () => {
    const pg = await createEmptyPgDatabase();
    try {
      const r = await runPulse(['migrate'], { DATABASE_URL: pg.url });
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/migrations applied \(postgres/);
      const again = await runPulse(['keys', 'list'], { DATABASE_URL: pg.url });
      expect(again.code).toBe(0);
    } finally {
      await pg.drop();
    }
  });
});
