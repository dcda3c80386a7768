import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migratedDataDir, runPulse } from './helpers/cli.ts';
import { createEmptyPgDatabase, testDatabaseUrl } from './helpers/db.ts';
import { body, manyItems, rss, startFeedServer } from './helpers/feed-server.ts';

let server: Awaited<ReturnType<typeof startFeedServer>>;
let env: Record<string, string>;
let cleanup: () => Promise<void>;
const dir = mkdtempSync(join(tmpdir(), 'pulse-cli-ingest-'));

beforeAll(async () => {
  server = await startFeedServer({
    '/a': body(rss(manyItems(7, 'https://a.example.org'))),
    '/down': (_q, res) => res.writeHead(503, { 'Retry-After': '60' }).end(),
  });
  // the same commands on whichever database the suite runs against
  if (testDatabaseUrl) {
    const pg = await createEmptyPgDatabase();
    env = { DATABASE_URL: pg.url, PULSE_ALLOW_PRIVATE_FEEDS: 'true' };
    cleanup = pg.drop;
  } else {
    env = { PULSE_DATA_DIR: migratedDataDir(join(dir, 'data')), PULSE_ALLOW_PRIVATE_FEEDS: 'true' };
    cleanup = async () => {};
  }
});
afterAll(async () => {
  await server?.close();
  await cleanup?.();
  rmSync(dir, { recursive: true, force: true });
});

// The two tests are independent and mostly wait on child processes: they run side by side.
describe.concurrent('pulse sources and pulse ingest', () => {
  it('adds, lists, ingests, exports, removes and imports sources', { timeout: 300_000 }, async () => {
    // two commands refused before they open the database run side by side, after the first:
    // while another pulse process holds the embedded database, a command is refused for that
    // before its flags are read
    const added = await runPulse(['sources', 'add', '--url', server.url('/a'), '--kind', 'union', '--name', 'Local guild'], env);
    const [badKind, missing] = await Promise.all([
      runPulse(['sources', 'add', '--url', server.url('/x'), '--kind', 'blog'], env),
      runPulse(['sources', 'import', join(dir, 'nope.opml')], env),
    ]);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toMatch(/^created source 1 "Local guild" \(union\)/);
    expect(badKind.code).toBe(2);
    expect(badKind.stderr).toMatch(/--kind must be one of/);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toMatch(/^pulse: cannot read .*nope\.opml: ENOENT$/);
    expect((await runPulse(['sources', 'add', '--url', server.url('/down'), '--kind', 'news'], env)).code).toBe(0);

    const listed = await runPulse(['sources', 'list'], env);
    expect(listed.stdout).toMatch(/1\s+union\s+Local guild/);

    const ingested = await runPulse(['ingest', '--all'], env);
    expect(ingested.code, ingested.stderr).toBe(0);
    expect(ingested.stdout).toMatch(/#1 Local guild: 7 new, 0 duplicates, 0 skipped \(HTTP 200/);
    expect(ingested.stdout).toMatch(/#2 127\.0\.0\.1: failed: http_status: HTTP 503/);
    expect(ingested.stdout).toMatch(/total: 2 sources, 7 new items, 0 duplicates, 0 skipped, 1 failed/);
    const again = await runPulse(['ingest', '--source', '1'], env);
    expect(again.stdout).toMatch(/#1 Local guild: 0 new, 7 duplicates/);

    const exported = await runPulse(['sources', 'export'], env);
    expect(exported.stdout).toContain(`xmlUrl="${server.url('/a')}"`);
    const file = join(dir, 'sources.opml');
    writeFileSync(file, exported.stdout);

    expect((await runPulse(['sources', 'remove', '1'], env)).stdout).toMatch(/removed source 1/);
    expect((await runPulse(['sources', 'remove', '1'], env)).code).toBe(1);
    const imported = await runPulse(['sources', 'import', file], env);
    expect(imported.stdout).toMatch(/imported: 0 new, 1 restored, 1 already present, 0 invalid/);
  });

  it('exits 1 when the database cannot be reached', async () => {
    const r = await runPulse(['ingest'], { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^pulse: cannot connect to the database/);
  });
});
