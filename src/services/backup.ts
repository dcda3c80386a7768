import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import type { Database, Db } from '../../db/client.ts';
import { migrate, migrationJournal } from '../../db/migrate.ts';
import {
  appliedMigrations,
  countRows,
  firstNonEmpty,
  forEachBatch,
  inSnapshot,
  inTransaction,
  insertJsonRows,
  listTables,
  resetSequences,
  serverVersion,
  type TableInfo,
} from '../../db/queries/backup.ts';
import {
  BACKUP_FORMAT,
  BACKUP_VERSION,
  BackupFileError,
  compareLevels,
  isFooter,
  isHeader,
  isTableHeader,
  isTrailer,
  loadOrder,
  parseControl,
  TableDigest,
  type BackupHeader,
  type TableFooter,
  type TableHeader,
} from './backup-format.ts';
import { rederiveRollups } from '../../db/queries/rollups.ts';
import type { ServiceDeps } from './deps.ts';
import { conflict, invalid } from './errors.ts';

export { BackupFileError } from './backup-format.ts';

export interface TableSummary {
  name: string;
  rows: number;
  sha256: string;
}

export interface BackupSummary {
  tables: TableSummary[];
  rows: number;
  migrations: { applied: number; latest: string | null };
}

/** Rows per read or write round trip. */
export const DEFAULT_BATCH = 500;

/** The schema level of a database, named by the journal. */
async function schemaLevel(db: Db): Promise<BackupHeader['migrations']> {
  const applied = await appliedMigrations(db);
  const journal = migrationJournal();
  const when = applied.map((m) => m.createdAt);
  const last = when.at(-1);
  return { applied: when.length, latest: journal.find((e) => e.when === last)?.tag ?? null, when };
}

/** Tables in load order (referenced tables first). */
export async function tablesInLoadOrder(db: Db): Promise<TableInfo[]> {
  return loadOrder(await listTables(db));
}

/**
 * Writes a consistent backup of every Pulse table to `out` (format: backup-format.ts): one
 * REPEATABLE READ transaction reads the counts and the rows, so the file is one moment of the
 * database while other sessions keep writing. Resolves once `out` has everything.
 */
export async function writeBackup(
  deps: Pick<ServiceDeps, 'db' | 'clock'>,
  p: { out: Writable; driver: Database['driver']; batch?: number },
): Promise<BackupSummary> {
  const batch = p.batch ?? DEFAULT_BATCH;
  const gzip = createGzip();
  const written = pipeline(gzip, p.out);
  // a failure downstream (disk full) must end the read, not leave it waiting for 'drain'
  let failed: unknown;
  written.catch((err) => (failed = err));
  const write = async (text: string) => {
    if (failed) throw failed;
    if (!gzip.write(text)) await Promise.race([once(gzip, 'drain'), written]);
  };
  try {
    const summary = await inSnapshot(deps.db, async (tx) => {
      const tables = await tablesInLoadOrder(tx);
      const counts = new Map<string, number>();
      for (const t of tables) counts.set(t.name, await countRows(tx, t));
      const header: BackupHeader = {
        format: BACKUP_FORMAT,
        version: BACKUP_VERSION,
        createdAt: deps.clock.now().toISOString(),
        source: { driver: p.driver, postgres: await serverVersion(tx) },
        migrations: await schemaLevel(tx),
        tables: tables.map((t) => ({ name: t.name, rows: counts.get(t.name)! })),
      };
      await write(JSON.stringify(header) + '\n');
      const out: TableSummary[] = [];
      for (const t of tables) {
        const th: TableHeader = { table: t.name, columns: t.columns.map((c) => c.name), key: t.key, rows: counts.get(t.name)! };
        await write(JSON.stringify(th) + '\n');
        const digest = new TableDigest();
        await forEachBatch(tx, t, batch, async (lines) => {
          for (const line of lines) digest.add(line);
          await write(lines.join('\n') + '\n');
        });
        const footer: TableFooter = { end: t.name, rows: digest.rows, sha256: digest.hex() };
        await write(JSON.stringify(footer) + '\n');
        out.push({ name: t.name, rows: footer.rows, sha256: footer.sha256 });
      }
      const rows = out.reduce((n, t) => n + t.rows, 0);
      await write(JSON.stringify({ end: 'backup', tables: out.length, rows }) + '\n');
      return { tables: out, rows, migrations: { applied: header.migrations.applied, latest: header.migrations.latest } };
    });
    gzip.end();
    await written;
    return summary;
  } catch (err) {
    gzip.destroy(err as Error);
    await written.catch(() => {});
    throw err;
  }
}

/** Count and checksum of every row of the given tables, read in one snapshot. */
export async function tableDigests(
  db: Db,
  tables: TableInfo[],
  batch = DEFAULT_BATCH,
): Promise<Map<string, { rows: number; sha256: string }>> {
  return inSnapshot(db, async (tx) => {
    const out = new Map<string, { rows: number; sha256: string }>();
    for (const t of tables) {
      const digest = new TableDigest();
      await forEachBatch(tx, t, batch, (lines) => {
        for (const l of lines) digest.add(l);
      });
      out.set(t.name, { rows: digest.rows, sha256: digest.hex() });
    }
    return out;
  });
}

export interface RestoreSummary extends BackupSummary {
  createdAt: string;
  /** tables whose rows, read back from the database, have the file's count and checksum */
  verified: number;
  sequences: number;
}

/** Reads lines one at a time, counting them, from a gzipped stream. */
function lineReader(input: Readable) {
  const gunzip = createGunzip();
  input.on('error', (err) => gunzip.destroy(err));
  gunzip.on('error', () => {});
  input.pipe(gunzip);
  const rl = createInterface({ input: gunzip, crlfDelay: Number.POSITIVE_INFINITY });
  const it = rl[Symbol.asyncIterator]();
  let lineNo = 0;
  return {
    get lineNo() {
      return lineNo;
    },
    async next(): Promise<string | undefined> {
      try {
        const r = await it.next();
        if (r.done) return undefined;
        lineNo++;
        return r.value;
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR')
          throw new BackupFileError(
            lineNo ? `the backup is damaged after line ${lineNo} (${(err as Error).message})` : 'not a Pulse backup (not gzip data)',
          );
        throw err;
      }
    },
    close() {
      rl.close();
      input.destroy();
    },
  };
}

/**
 * Restores a backup into an empty database of either kind: refuses one that holds any row;
 * brings the schema to the backup's migration level, loads every table in one transaction
 * (checking each table's count and checksum against the file before committing), sets the
 * sequences, reads the rows back to compare them with the file, then applies newer migrations.
 */
export async function restoreBackup(
  deps: Pick<ServiceDeps, 'db'> & { database: Database },
  p: { input: Readable; batch?: number },
): Promise<RestoreSummary> {
  const batch = p.batch ?? DEFAULT_BATCH;
  const reader = lineReader(p.input);
  try {
    const first = await reader.next();
    if (first === undefined) throw new BackupFileError('the backup file is empty');
    const header = parseControl<BackupHeader>(first, 1, isHeader, 'a Pulse backup header');
    if (header.version !== BACKUP_VERSION)
      throw new BackupFileError(`backup format version ${header.version}; this Pulse reads version ${BACKUP_VERSION}`);

    const known = migrationJournal().map((e) => e.when);
    const before = (await appliedMigrations(deps.db)).map((m) => m.createdAt);
    const level = compareLevels(header.migrations.when, before, known);
    if (!level.ok) throw invalid('backup', level.message);
    const existing = await listTables(deps.db);
    const busy = await firstNonEmpty(deps.db, existing);
    if (busy) throw conflict(`restore needs an empty database, and this one has rows in "${busy}"`);
    if (before.length < header.migrations.applied) await migrate(deps.database, { upTo: header.migrations.applied });
    const tables = new Map((await listTables(deps.db)).map((t) => [t.name, t]));

    const loaded = await inTransaction(deps.db, async (tx) => {
      const out: (TableSummary & { columns: string[] })[] = [];
      for (let i = 0; i < header.tables.length; i++) {
        const th = parseControl<TableHeader>(
          await reader.next(),
          reader.lineNo + 1,
          isTableHeader,
          `the start of table ${header.tables[i]!.name}`,
        );
        const target = tables.get(th.table);
        if (!target) throw invalid('backup', `table "${th.table}" does not exist in this database`);
        const missing = th.columns.filter((c) => !target.columns.some((tc) => tc.name === c));
        if (missing.length) throw invalid('backup', `table "${th.table}" has no column ${missing.map((m) => `"${m}"`).join(', ')} here`);
        const digest = new TableDigest();
        let pending: string[] = [];
        let bytes = 0;
        const flush = async () => {
          if (!pending.length) return;
          await insertJsonRows(tx, th.table, th.columns, `[${pending.join(',')}]`);
          pending = [];
          bytes = 0;
        };
        for (let r = 0; r < th.rows; r++) {
          const line = await reader.next();
          if (line === undefined) throw new BackupFileError(`the backup ends inside table ${th.table} (incomplete file?)`);
          digest.add(line);
          pending.push(line);
          bytes += line.length;
          if (pending.length >= batch || bytes > 8_000_000) await flush();
        }
        await flush();
        const footer = parseControl<TableFooter>(
          await reader.next(),
          reader.lineNo + 1,
          isFooter(th.table),
          `the end of table ${th.table}`,
        );
        const sha256 = digest.hex();
        if (footer.rows !== digest.rows || footer.sha256 !== sha256)
          throw new BackupFileError(`table ${th.table}: its rows do not match the checksum in the file (damaged file)`);
        out.push({ name: th.table, rows: digest.rows, sha256, columns: th.columns });
      }
      parseControl(await reader.next(), reader.lineNo + 1, isTrailer, 'the last line of the backup');
      const sequences = await resetSequences(tx, [...tables.values()]);
      return { tables: out, sequences };
    });

    // Read what was stored back and compare it with the file (where the columns are the same).
    const comparable = loaded.tables.filter((t) => {
      const cols = tables.get(t.name)!.columns.map((c) => c.name);
      return cols.length === t.columns.length && cols.every((c, i) => c === t.columns[i]);
    });
    const digests = await tableDigests(
      deps.db,
      comparable.map((t) => tables.get(t.name)!),
      batch,
    );
    for (const t of comparable) {
      const d = digests.get(t.name)!;
      if (d.rows !== t.rows || d.sha256 !== t.sha256)
        throw conflict(`table ${t.name}: ${d.rows} rows stored, their checksum differs from the backup's ${t.rows}`);
    }
    await migrate(deps.database);
    // Into a target migrated past the backup, the data steps of the migrations in between never
    // ran over these rows (0007 marks every rolled-up day for a rebuild, 0008 totals the rollups):
    // the derived counts are marked for a rebuild and totalled again here instead.
    if (header.migrations.applied < known.length) await rederiveRollups(deps.db);
    return {
      createdAt: header.createdAt,
      tables: loaded.tables.map(({ name, rows, sha256 }) => ({ name, rows, sha256 })),
      rows: loaded.tables.reduce((n, t) => n + t.rows, 0),
      migrations: { applied: header.migrations.applied, latest: header.migrations.latest },
      verified: comparable.length,
      sequences: loaded.sequences,
    };
  } finally {
    reader.close();
  }
}
