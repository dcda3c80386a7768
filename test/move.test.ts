import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, rowsOf, type Database } from '../db/client.ts';
import { migrate } from '../db/migrate.ts';
import { systemClock } from '../src/clock.ts';
import { tableDigests, tablesInLoadOrder } from '../src/services/backup.ts';
import { moveDatabase } from '../src/services/move.ts';
import { fillEveryTable, postgresDatabase, rowCounts } from './helpers/backup-data.ts';
import { childEnv, PULSE_BIN, runPulse } from './helpers/cli.ts';
import { pgliteOnly, testDatabaseUrl } from './helpers/db.ts';

const dir = mkdtempSync(join(tmpdir(), 'pulse-move-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function digestsOf(database: Database) {
  return Object.fromEntries(await tableDigests(database.db, await tablesInLoadOrder(database.db)));
}

/** An embedded database in a directory of its own, filled and closed (so a child can open it). */
async function embeddedDataDir(name: string, items: number): Promise<string> {
  const dataDir = join(dir, name);
  const database = await openDatabase({ dataDir });
  await migrate(database);
  await fillEveryTable(database.db, { items });
  await database.close();
  return dataDir;
}

async function withEmbedded<T>(dataDir: string, fn: (d: Database) => Promise<T>): Promise<T> {
  const database = await openDatabase({ dataDir });
  try {
    return await fn(database);
  } finally {
    await database.close();
  }
}

pgliteOnly('pulse backup and restore on embedded data directories (the commands)', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await embeddedDataDir('cli-source', 30);
  });

  it('backs up, restores into a new directory, and refuses to restore over data in one line', async () => {
    const file = join(dir, 'cli.pulse.gz');
    const backup = await runPulse(['backup', '--out', file], { PULSE_DATA_DIR: dataDir });
    expect(backup.stderr).toBe('');
    expect(backup.stdout).toMatch(/^backup of pglite at .*: \d+ tables, \d+ rows, schema \d{4}_\w+ -> .*cli\.pulse\.gz \(/);
    expect(backup.code).toBe(0);
    const target = join(dir, 'cli-target');
    const restore = await runPulse(['restore', file], { PULSE_DATA_DIR: target });
    expect(restore.stdout).toMatch(
      /^restored .* into pglite at .*: (\d+) tables, \d+ rows, \1 tables read back with matching counts and checksums/,
    );
    expect(restore.code).toBe(0);
    const again = await runPulse(['restore', file], { PULSE_DATA_DIR: target });
    expect(again.code).toBe(1);
    expect(again.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^pulse: restore needs an empty database, and this one has rows in "\w+"$/),
    ]);
    const [a, b] = [await withEmbedded(dataDir, digestsOf), await withEmbedded(target, digestsOf)];
    expect(b).toEqual(a);
  }, 300_000);
});

describe.runIf(testDatabaseUrl)('pulse move-to: embedded database into PostgreSQL', () => {
  it('copies every table, compares counts and checksums, and sets sequences', async () => {
    const source = await openDatabase({ dataDir: join(dir, 'verb-source') });
    await migrate(source);
    await fillEveryTable(source.db, { items: 40 });
    const target = await postgresDatabase(testDatabaseUrl!, { migrated: false });
    try {
      const seen: string[] = [];
      const report = await moveDatabase(
        { db: source.db, clock: systemClock },
        { target, source: 'test', batch: 9, onProgress: (p) => seen.push(p.table) },
      );
      expect(report.ok).toBe(true);
      expect(report.tables.every((t) => t.match && t.source.rows === t.target.rows)).toBe(true);
      expect(seen).toContain('items');
      expect(await digestsOf(target)).toEqual(await digestsOf(source));
      // sequences: the next source id follows the copied ones
      const [{ next, max }] = rowsOf<{ next: number; max: number }>(
        await target.db.execute(
          sql`select nextval(pg_get_serial_sequence('sources', 'id'))::int as next, (select max(id)::int from sources) as max`,
        ),
      ) as [{ next: number; max: number }];
      expect(next).toBe(max + 1);
      // a second run finds nothing to copy and still compares
      const rerun = await moveDatabase({ db: source.db, clock: systemClock }, { target, source: 'test', batch: 9 });
      expect(rerun.ok && rerun.resumed).toBe(true);
      expect(rerun.tables.filter((t) => t.name !== 'daily_rollups').every((t) => t.copied === 0)).toBe(true);
      // a move from another source into it is refused, and so is a non-empty target
      await expect(moveDatabase({ db: source.db, clock: systemClock }, { target, source: 'elsewhere' })).rejects.toThrow(
        /holds a move from test/,
      );
      const busy = await postgresDatabase(testDatabaseUrl!, { migrated: true });
      await busy.db.execute(sql`insert into meta (key, value) values ('x', '1')`);
      await expect(moveDatabase({ db: source.db, clock: systemClock }, { target: busy, source: 'test' })).rejects.toThrow(
        /not empty \(table "meta" has rows\)/,
      );
      await busy.close();
    } finally {
      await target.close();
      await source.close();
    }
  }, 180_000);

  it('killed midway, a rerun continues where it stopped and ends with every table the same', async () => {
    const dataDir = await embeddedDataDir('kill-source', 3000);
    const target = await postgresDatabase(testDatabaseUrl!, { migrated: false });
    const url = (target as Database & { url: string }).url;
    try {
      // run the command and kill it (SIGKILL: no cleanup) once it has copied part of the items
      const killedAt = await new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, [PULSE_BIN, 'move-to', url, '--batch', '100'], {
          env: childEnv({ PULSE_DATA_DIR: dataDir }),
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let err = '';
        child.stderr.on('data', (d) => {
          err += d;
          const copied = [...err.matchAll(/^items: (\d+) of 3001 rows copied$/gm)].at(-1)?.[1];
          if (copied && Number(copied) >= 800 && child.exitCode === null) {
            child.kill('SIGKILL');
            resolve(copied);
          }
        });
        child.on('exit', (code) => reject(new Error(`move-to exited (${code}) before it was killed:\n${err}`)));
      });
      const partial = await rowCounts(target.db);
      expect(partial.items).toBeGreaterThanOrEqual(Number(killedAt));
      expect(partial.items).toBeLessThan(3001);
      expect(partial.item_sightings).toBe(0); // not reached yet

      const rerun = await runPulse(['move-to', url, '--batch', '500'], { PULSE_DATA_DIR: dataDir });
      expect(rerun.code, rerun.stderr).toBe(0);
      expect(rerun.stdout).toMatch(/resumed and finished: every table has the same rows/);
      // the rerun copied only the items the first run had not
      const itemsLine = rerun.stdout.split('\n').find((l) => l.startsWith('items '))!;
      expect(itemsLine.split(/\s+/).slice(1, 4)).toEqual([String(3001 - partial.items), '3001', '3001']);
      const [a, b] = [await withEmbedded(dataDir, digestsOf), await digestsOf(target)];
      expect(b).toEqual(a);
    } finally {
      await target.close();
    }
  }, 300_000);
});
