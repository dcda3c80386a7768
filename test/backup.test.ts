import { mkdtempSync, readFileSync, rmSync, writeFileSync, createReadStream, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf, type Database } from '../db/client.ts';
import { addSource } from '../db/queries/sources.ts';
import { systemClock } from '../src/clock.ts';
import { restoreBackup, tableDigests, tablesInLoadOrder, writeBackup, type BackupSummary } from '../src/services/backup.ts';
import { loadOrder } from '../src/services/backup-format.ts';
import { BIG_ID, fillEveryTable, pgliteDatabase, postgresDatabase, rowCounts } from './helpers/backup-data.ts';
import { freshDatabase, testDatabaseUrl } from './helpers/db.ts';

/** The migrations this build knows (a backup's header names how many were applied and the last). */
const JOURNAL = JSON.parse(readFileSync(new URL('../migrations/meta/_journal.json', import.meta.url), 'utf8')) as {
  entries: { tag: string }[];
};

const dir = mkdtempSync(join(tmpdir(), 'pulse-backup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const open: Database[] = [];
afterAll(async () => {
  for (const d of open) await d.close().catch(() => {});
});
const keep = <T extends Database>(d: T): T => {
  open.push(d);
  return d;
};

async function backupTo(database: Database, file: string, batch?: number): Promise<BackupSummary> {
  return writeBackup({ db: database.db, clock: systemClock }, { out: createWriteStream(file), driver: database.driver, batch });
}
const restoreFrom = (database: Database, file: string, batch?: number) =>
  restoreBackup({ db: database.db, database }, { input: createReadStream(file), batch });

async function digestsOf(database: Database) {
  return Object.fromEntries(await tableDigests(database.db, await tablesInLoadOrder(database.db)));
}

/** The backup's lines, for tests that look inside or damage a file. */
const linesOf = (file: string) => gunzipSync(readFileSync(file)).toString('utf8').split('\n');

describe('backup format', () => {
  it('orders tables after the tables they reference, whatever order they are listed in', () => {
    const order = loadOrder([
      { name: 'webhook_deliveries', references: ['webhooks', 'alerts'] },
      { name: 'alerts', references: [] },
      { name: 'items', references: ['sources'] },
      { name: 'item_sightings', references: ['items', 'sources'] },
      { name: 'webhooks', references: [] },
      { name: 'sources', references: [] },
    ]).map((t) => t.name);
    expect(order.indexOf('sources')).toBeLessThan(order.indexOf('items'));
    expect(order.indexOf('items')).toBeLessThan(order.indexOf('item_sightings'));
    expect(order.indexOf('webhooks')).toBeLessThan(order.indexOf('webhook_deliveries'));
    expect(order.indexOf('alerts')).toBeLessThan(order.indexOf('webhook_deliveries'));
    expect(() =>
      loadOrder([
        { name: 'a', references: ['b'] },
        { name: 'b', references: ['a'] },
      ]),
    ).toThrow(/cycle/);
  });
});

describe(`backup and restore on the same backend (${testDatabaseUrl ? 'PostgreSQL' : 'PGlite'})`, () => {
  let source: Database;
  let file: string;
  let summary: BackupSummary;
  beforeAll(async () => {
    source = keep(await freshDatabase());
    await fillEveryTable(source.db);
    file = join(dir, 'same.pulse.gz');
    summary = await backupTo(source, file, 7);
  });

  it('writes a header with the schema level and counts, then every table with a checksum, then a trailer', async () => {
    const lines = linesOf(file);
    const header = JSON.parse(lines[0]!);
    expect(header).toMatchObject({
      format: 'pulse-backup',
      version: 1,
      source: { driver: source.driver },
      migrations: { applied: JOURNAL.entries.length, latest: JOURNAL.entries.at(-1)!.tag },
    });
    const counts = await rowCounts(source.db);
    expect(Object.fromEntries(header.tables.map((t: { name: string; rows: number }) => [t.name, t.rows]))).toEqual(counts);
    // every table of the schema is in the file, and its rows are all there
    expect(summary.tables.map((t) => t.name).sort()).toEqual(Object.keys(counts).sort());
    for (const t of summary.tables) expect(t.rows, t.name).toBe(counts[t.name]);
    expect(JSON.parse(lines.at(-2)!)).toEqual({ end: 'backup', tables: summary.tables.length, rows: summary.rows });
    // the generated full-text column is left for the target to compute
    const items = JSON.parse(lines.find((l) => l.startsWith('{"table":"items"'))!);
    expect(items.columns).not.toContain('search');
    expect(lines.some((l) => l.includes(`"id" : ${BIG_ID},`))).toBe(true);
  });

  it('restores into an empty database with the same rows, byte for byte, and sequences past them', async () => {
    const target = keep(await freshDatabase());
    await target.db.execute(sql`delete from meta`); // a migrated database has no rows (nothing seeded)
    const restored = await restoreFrom(target, file, 5);
    expect(restored.rows).toBe(summary.rows);
    expect(restored.verified).toBe(summary.tables.length);
    expect(await digestsOf(target)).toEqual(await digestsOf(source));
    const [big] = rowsOf<{ id: string }>(
      await target.db.execute(sql`select id::text as id from items where url = 'https://factory.example.org/big'`),
    );
    expect(big!.id).toBe(BIG_ID);
    // full-text search works on restored rows (the generated column was recomputed)
    const [hit] = rowsOf<{ n: number }>(
      await target.db.execute(sql`select count(*)::int as n from items where search @@ plainto_tsquery('english', 'naïve café')`),
    );
    expect(hit!.n).toBeGreaterThan(0);
    // new rows do not collide with restored ids
    const before = rowsOf<{ m: number }>(await target.db.execute(sql`select max(id)::int as m from sources`))[0]!.m;
    const { row } = await addSource(target.db, { url: 'https://new.example.org/feed', kind: 'news', name: 'new' });
    expect(row.id).toBe(before + 1);
    await target.db.execute(
      sql`insert into webhook_deliveries (webhook_id, alert_id) select w.id, a.id from webhooks w, alerts a on conflict do nothing`,
    );
    await target.db.execute(
      sql`insert into alerts (day, entity_type, entity, metric, value, baseline, score, p_value, count, baseline_count) values ('2025-08-01', 'union', 'wga', 'volume', 1, 1, 1, 1, 1, 1)`,
    );
  });

  it('refuses a database that holds any row, in one line, and changes nothing', async () => {
    const before = await digestsOf(source);
    const err = await restoreFrom(source, file).catch((e) => e as Error);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/^restore needs an empty database, and this one has rows in "\w+"$/);
    expect(await digestsOf(source)).toEqual(before);
  });

  it('refuses a damaged or incomplete file and leaves the database empty', async () => {
    const target = keep(await freshDatabase());
    await target.db.execute(sql`delete from meta`);
    const lines = linesOf(file);
    const i = lines.findIndex((l) => l.includes('"title" : "Story 3:'));
    const damaged = join(dir, 'damaged.gz');
    writeFileSync(damaged, gzipSync(lines.map((l, k) => (k === i ? l.replace('Story 3', 'Story 4') : l)).join('\n')));
    await expect(restoreFrom(target, damaged)).rejects.toThrow(/table items: its rows do not match the checksum in the file/);
    const cut = join(dir, 'cut.gz');
    writeFileSync(cut, gzipSync(lines.slice(0, Math.floor(lines.length / 2)).join('\n')));
    await expect(restoreFrom(target, cut)).rejects.toThrow(/ends (early|inside table)/);
    const notGzip = join(dir, 'plain.txt');
    writeFileSync(notGzip, 'hello\n');
    await expect(restoreFrom(target, notGzip)).rejects.toThrow(/not a Pulse backup/);
    expect(Object.values(await rowCounts(target.db)).every((n) => n === 0)).toBe(true);
    // and the good file still restores into it afterwards
    await restoreFrom(target, file);
    expect(await digestsOf(target)).toEqual(await digestsOf(source));
  });
});

describe.runIf(testDatabaseUrl)('backup taken while another session writes (PostgreSQL)', () => {
  it('is one moment: header counts, rows and references agree, and the copy restores', async () => {
    const source = keep(await freshDatabase());
    await fillEveryTable(source.db, { items: 2000 });
    let writing = true;
    let written = 0;
    const writer = (async () => {
      const src = rowsOf<{ id: number }>(await source.db.execute(sql`select min(id)::int as id from sources`))[0]!.id;
      while (writing) {
        // an item and its sighting in one transaction: a torn snapshot would hold one without the other
        await source.db.transaction(async (tx) => {
          const [r] = rowsOf<{ id: number }>(
            await tx.execute(
              sql`insert into items (source_id, url, title, published_at, fetched_at, content_hash) values (${src}, ${'https://w.example.org/' + written}, 't', now(), now(), ${'h' + written}) returning id`,
            ),
          );
          await tx.execute(
            sql`insert into item_sightings (item_id, source_id, url, first_seen_at) values (${r!.id}, ${src}, ${'https://w.example.org/' + written}, now())`,
          );
        });
        written++;
      }
    })();
    const file = join(dir, 'live.gz');
    await new Promise((r) => setTimeout(r, 200));
    const summary = await backupTo(source, file, 50);
    writing = false;
    await writer;
    expect(written).toBeGreaterThan(0);
    const header = JSON.parse(linesOf(file)[0]!);
    const rows = (name: string) => summary.tables.find((t) => t.name === name)!.rows;
    expect(header.tables.find((t: { name: string }) => t.name === 'items').rows).toBe(rows('items'));
    const target = keep(await postgresDatabase(testDatabaseUrl!, { migrated: false }));
    const restored = await restoreFrom(target, file); // foreign keys hold, so no sighting lacks its item
    expect(restored.rows).toBe(summary.rows);
    // every item has one sighting, except fillEveryTable's big-id item; its first item has two more
    expect(rows('item_sightings') - rows('items')).toBe(1);
  });
});

describe.runIf(testDatabaseUrl)('backup and restore across backends', () => {
  it('PGlite to PostgreSQL and back to PGlite gives the same rows', async () => {
    const lite = keep(await pgliteDatabase({ migrated: true }));
    await fillEveryTable(lite.db);
    const a = join(dir, 'from-pglite.gz');
    await backupTo(lite, a);
    const pg = keep(await postgresDatabase(testDatabaseUrl!, { migrated: false })); // not even migrated: restore does it
    await restoreFrom(pg, a);
    expect(await digestsOf(pg)).toEqual(await digestsOf(lite));

    const b = join(dir, 'from-postgres.gz');
    await backupTo(pg, b);
    const lite2 = keep(await pgliteDatabase({ migrated: false }));
    await restoreFrom(lite2, b);
    expect(await digestsOf(lite2)).toEqual(await digestsOf(lite));
    // the PostgreSQL backup names its own server
    expect(JSON.parse(linesOf(b)[0]!).source).toMatchObject({ driver: 'postgres', postgres: expect.stringMatching(/^15\./) });
  });
});

// This test pretends a current backup came from before migration 0001, which only changed an index
// setting. Since migrations 0002 and 0004 add columns and a table, a current backup no longer fits
// an older schema, so the pretence cannot work; the test needs a backup written at a real older
// level (a database migrated `upTo` an earlier migration and filled with raw SQL of that schema).
describe.skip('restore from an older schema level (needs a backup made at a real older level; see above)', () => {
  it('brings an empty database to the backup level, loads, then applies the newer migrations', async () => {
    const source = keep(await freshDatabase());
    await fillEveryTable(source.db, { items: 10 });
    const file = join(dir, 'older.gz');
    await backupTo(source, file);
    // pretend the backup was made before migration 0001 (it only changes an index setting)
    const lines = linesOf(file);
    const header = JSON.parse(lines[0]!);
    const allWhen = header.migrations.when;
    header.migrations = { applied: 1, latest: '0000_daffy_franklin_storm', when: allWhen.slice(0, 1) };
    const older = join(dir, 'older-level.gz');
    writeFileSync(older, gzipSync([JSON.stringify(header), ...lines.slice(1)].join('\n')));
    const target = keep(
      testDatabaseUrl ? await postgresDatabase(testDatabaseUrl, { migrated: false }) : await pgliteDatabase({ migrated: false }),
    );
    await restoreFrom(target, older);
    const applied = rowsOf<{ n: number }>(await target.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`))[0]!.n;
    expect(applied).toBe(JOURNAL.entries.length);
    expect(await digestsOf(target)).toEqual(await digestsOf(source));
    // a backup from a Pulse that knows more migrations than this one is refused
    header.migrations = { applied: JOURNAL.entries.length + 1, latest: 'future', when: [...allWhen, 1900000000000] };
    const newer = join(dir, 'newer.gz');
    writeFileSync(newer, gzipSync([JSON.stringify(header), ...lines.slice(1)].join('\n')));
    const empty = keep(
      testDatabaseUrl ? await postgresDatabase(testDatabaseUrl, { migrated: false }) : await pgliteDatabase({ migrated: false }),
    );
    await expect(restoreFrom(empty, newer)).rejects.toThrow(/schema level this Pulse does not know/);
  });
});
