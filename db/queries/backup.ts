import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Db } from '../client.ts';

/**
 * SQL for backup, restore and move. Every table is read and written through the same shapes:
 * a row is the `json_build_object(...)::text` of its stored columns, read in key order with
 * text keys compared byte-wise (COLLATE "C"), so the same rows give the same text, in the same
 * order, on PGlite (PostgreSQL 18) and on PostgreSQL 15 whatever the database collation.
 */

export interface ColumnInfo {
  name: string;
  /** format_type(): `integer`, `text[]`, `timestamp with time zone`, ... */
  type: string;
  collatable: boolean;
  /** the sequence behind a serial or identity column */
  sequence: string | null;
}

export interface TableInfo {
  name: string;
  /** stored columns in table order (generated columns are left out: the target computes them) */
  columns: ColumnInfo[];
  /** primary-key columns, in key order; empty when the table has none */
  key: string[];
  /** tables this one references (foreign keys), so they are loaded first */
  references: string[];
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
const raw = (text: string) => sql.raw(text);

/** Every table in the public schema with its stored columns, key and references. */
export async function listTables(db: Db): Promise<TableInfo[]> {
  const columns = rowsOf<{ table: string; column: string; type: string; generated: boolean; collatable: boolean; sequence: string | null }>(
    await db.execute(sql`
      select c.relname as "table", a.attname as "column", format_type(a.atttypid, a.atttypmod) as "type",
             a.attgenerated <> '' as "generated", a.attcollation <> 0 as "collatable",
             pg_get_serial_sequence(c.oid::regclass::text, a.attname) as "sequence"
      from pg_class c
      join pg_namespace n on n.oid = c.relnamespace
      join pg_attribute a on a.attrelid = c.oid
      where n.nspname = 'public' and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped
      order by c.relname, a.attnum`),
  );
  const keys = rowsOf<{ table: string; column: string }>(
    await db.execute(sql`
      select c.relname as "table", a.attname as "column"
      from pg_constraint con
      join pg_class c on c.oid = con.conrelid
      join pg_namespace n on n.oid = c.relnamespace
      join pg_attribute a on a.attrelid = c.oid and a.attnum = any (con.conkey)
      where con.contype = 'p' and n.nspname = 'public'
      order by c.relname, array_position(con.conkey, a.attnum)`),
  );
  const refs = rowsOf<{ table: string; references: string }>(
    await db.execute(sql`
      select distinct c.relname as "table", f.relname as "references"
      from pg_constraint con
      join pg_class c on c.oid = con.conrelid
      join pg_class f on f.oid = con.confrelid
      join pg_namespace n on n.oid = c.relnamespace
      where con.contype = 'f' and n.nspname = 'public'`),
  );
  const tables = new Map<string, TableInfo>();
  for (const c of columns) {
    let t = tables.get(c.table);
    if (!t) tables.set(c.table, (t = { name: c.table, columns: [], key: [], references: [] }));
    if (!c.generated) t.columns.push({ name: c.column, type: c.type, collatable: c.collatable, sequence: c.sequence });
  }
  for (const k of keys) tables.get(k.table)?.key.push(k.column);
  for (const r of refs) if (r.table !== r.references) tables.get(r.table)?.references.push(r.references);
  return [...tables.values()];
}

/** `order by` for a table: its key, or every column when it has none; text compared byte-wise. */
function orderBy(t: TableInfo): string {
  const cols = t.key.length ? t.key : t.columns.map((c) => c.name);
  return cols.map((name) => `${ident(name)}${t.columns.find((c) => c.name === name)?.collatable ? ' collate "C"' : ''}`).join(', ');
}

/** The JSON text of one row: its stored columns by name, in table order. */
function rowJson(t: TableInfo): string {
  // json_build_object takes at most 100 arguments
  if (t.columns.length > 50) throw new Error(`table ${t.name} has more than 50 columns; backup reads at most 50`);
  return `json_build_object(${t.columns.map((c) => `'${c.name.replace(/'/g, "''")}', ${ident(c.name)}`).join(', ')})::text`;
}

/**
 * Runs fn in one REPEATABLE READ, READ ONLY transaction with the session in UTC: every read in
 * it sees the same moment, while other sessions keep writing (on PGlite, other queries of the
 * process wait for it to end: PGlite is one connection).
 */
export async function inSnapshot<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction(
    async (tx) => {
      await tx.execute(sql`set local timezone to 'UTC'`);
      return fn(tx as unknown as Db);
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

/** Runs fn in one read-write transaction with the session in UTC. */
export async function inTransaction<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local timezone to 'UTC'`);
    return fn(tx as unknown as Db);
  });
}

export async function countRows(db: Db, t: TableInfo): Promise<number> {
  const [row] = rowsOf<{ n: number }>(await db.execute(raw(`select count(*)::int as n from ${ident(t.name)}`)));
  return Number(row?.n ?? 0);
}

/** The first table (of those given) that holds a row, or undefined when all are empty. */
export async function firstNonEmpty(db: Db, tables: TableInfo[]): Promise<string | undefined> {
  for (const t of tables) {
    const rows = rowsOf(await db.execute(raw(`select 1 from ${ident(t.name)} limit 1`)));
    if (rows.length) return t.name;
  }
  return undefined;
}

/**
 * Reads a whole table in key order through a cursor, `batch` row texts at a time. Call inside
 * inSnapshot (a cursor lives in its transaction).
 */
export async function forEachBatch(tx: Db, t: TableInfo, batch: number, fn: (lines: string[]) => Promise<void> | void): Promise<void> {
  const cursor = `pulse_read_${t.name.replace(/\W/g, '_')}`;
  await tx.execute(raw(`declare ${cursor} no scroll cursor for select ${rowJson(t)} as line from ${ident(t.name)} order by ${orderBy(t)}`));
  for (;;) {
    const rows = rowsOf<{ line: string }>(await tx.execute(raw(`fetch forward ${Math.trunc(batch)} from ${cursor}`)));
    if (!rows.length) break;
    await fn(rows.map((r) => r.line));
    if (rows.length < batch) break;
  }
  await tx.execute(raw(`close ${cursor}`));
}

/** Key values as text, as readBatchAfter and lastKey give them. */
export type KeyValues = (string | null)[];

function keyCondition(t: TableInfo, after: KeyValues): SQL {
  const cols = t.key.map((name) => {
    const c = t.columns.find((x) => x.name === name)!;
    return { ident: `${ident(name)}${c.collatable ? ' collate "C"' : ''}`, type: c.type };
  });
  const left = raw(`(${cols.map((c) => c.ident).join(', ')})`);
  const right = sql.join(
    cols.map((c, i) => sql`${after[i]}::${raw(c.type)}`),
    sql`, `,
  );
  return sql`${left} > (${right})`;
}

/**
 * Up to `limit` rows of a keyed table after the key `after` (from the start when null), in key
 * order: their JSON texts and the key of the last one.
 */
export async function readBatchAfter(
  db: Db,
  t: TableInfo,
  after: KeyValues | null,
  limit: number,
): Promise<{ lines: string[]; last: KeyValues | null }> {
  if (!t.key.length) throw new Error(`table ${t.name} has no primary key to read in batches`);
  const keyText = t.key.map((k, i) => `${ident(k)}::text as k${i}`).join(', ');
  const where = after ? sql`where ${keyCondition(t, after)}` : sql``;
  const rows = rowsOf<Record<string, string | null>>(
    await db.execute(
      sql`select ${raw(rowJson(t))} as line, ${raw(keyText)} from ${raw(ident(t.name))} ${where} order by ${raw(orderBy(t))} limit ${raw(String(Math.trunc(limit)))}`,
    ),
  );
  const lastRow = rows.at(-1);
  return { lines: rows.map((r) => r.line as string), last: lastRow ? t.key.map((_, i) => lastRow[`k${i}`] ?? null) : null };
}

/** The key of the last row of a keyed table in key order, or null when it is empty. */
export async function lastKey(db: Db, t: TableInfo): Promise<KeyValues | null> {
  const desc = orderBy(t)
    .split(', ')
    .map((c) => `${c} desc`)
    .join(', ');
  const keyText = t.key.map((k, i) => `${ident(k)}::text as k${i}`).join(', ');
  const [row] = rowsOf<Record<string, string | null>>(
    await db.execute(raw(`select ${keyText} from ${ident(t.name)} order by ${desc} limit 1`)),
  );
  return row ? t.key.map((_, i) => row[`k${i}`] ?? null) : null;
}

/**
 * Inserts rows given as a JSON array of row objects (as rowJson writes them). Only the named
 * columns are written; PostgreSQL parses the JSON into each column's type, so numbers keep
 * their precision, and identity columns take the stored values.
 */
export async function insertJsonRows(db: Db, table: string, columns: string[], jsonArray: string): Promise<void> {
  const cols = columns.map(ident).join(', ');
  await db.execute(
    sql`insert into ${raw(ident(table))} (${raw(cols)}) overriding system value select ${raw(cols)} from json_populate_recordset(null::${raw(ident(table))}, ${jsonArray}::json)`,
  );
}

export async function deleteAllRows(db: Db, table: string): Promise<void> {
  await db.execute(raw(`delete from ${ident(table)}`));
}

/** Points every serial and identity sequence just past the largest value its column holds. */
export async function resetSequences(db: Db, tables: TableInfo[]): Promise<number> {
  let n = 0;
  for (const t of tables)
    for (const c of t.columns) {
      if (!c.sequence) continue;
      await db.execute(
        sql`select setval(${c.sequence}::regclass, coalesce(max(${raw(ident(c.name))}), 1), max(${raw(ident(c.name))}) is not null) from ${raw(ident(t.name))}`,
      );
      n++;
    }
  return n;
}

/** The migrations applied to this database (drizzle's journal of hashes), oldest first. */
export async function appliedMigrations(db: Db): Promise<{ hash: string; createdAt: number }[]> {
  const [exists] = rowsOf<{ t: string | null }>(await db.execute(sql`select to_regclass('drizzle.__drizzle_migrations')::text as t`));
  if (!exists?.t) return [];
  const rows = rowsOf<{ hash: string; created_at: string | number }>(
    await db.execute(sql`select hash, created_at from drizzle.__drizzle_migrations order by created_at, id`),
  );
  return rows.map((r) => ({ hash: r.hash, createdAt: Number(r.created_at) }));
}

/** The server's version string, e.g. "15.14" or "18.6". */
export async function serverVersion(db: Db): Promise<string> {
  const [row] = rowsOf<{ v: string }>(await db.execute(sql`select current_setting('server_version') as v`));
  return row?.v ?? 'unknown';
}

// Move bookkeeping lives in its own schema on the target, outside the tables that are copied
// and compared, so a rerun knows it continues its own move.

export interface MoveState {
  source: string;
  startedAt: Date;
  finishedAt: Date | null;
}

export async function readMoveState(db: Db): Promise<MoveState | undefined> {
  const [exists] = rowsOf<{ t: string | null }>(await db.execute(sql`select to_regclass('pulse_move.state')::text as t`));
  if (!exists?.t) return undefined;
  const [row] = rowsOf<{ source: string; started_at: string | Date; finished_at: string | Date | null }>(
    await db.execute(sql`select source, started_at, finished_at from pulse_move.state where id = 1`),
  );
  if (!row) return undefined;
  return { source: row.source, startedAt: new Date(row.started_at), finishedAt: row.finished_at ? new Date(row.finished_at) : null };
}

export async function startMoveState(db: Db, p: { source: string; at: Date }): Promise<void> {
  await db.execute(sql`create schema if not exists pulse_move`);
  await db.execute(
    sql`create table if not exists pulse_move.state (id int primary key, source text not null, started_at timestamptz not null, finished_at timestamptz)`,
  );
  await db.execute(
    sql`insert into pulse_move.state (id, source, started_at) values (1, ${p.source}, ${p.at.toISOString()}::timestamptz) on conflict (id) do nothing`,
  );
}

export async function finishMoveState(db: Db, p: { at: Date }): Promise<void> {
  await db.execute(sql`update pulse_move.state set finished_at = ${p.at.toISOString()}::timestamptz where id = 1`);
}
