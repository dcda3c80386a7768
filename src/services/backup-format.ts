import { createHash, type Hash } from 'node:crypto';

/**
 * The Pulse backup file (format 1): a gzip stream of UTF-8 JSON lines, one record per line.
 *
 *   {"format":"pulse-backup","version":1,"createdAt","source":{driver,postgres},"migrations":{applied,latest,when[]},"tables":[{name,rows}]}
 *   then, for each table in load order (referenced tables first):
 *   {"table":"items","columns":["id",...],"key":["id"],"rows":N}
 *   N row lines: the row as a JSON object of its stored columns, exactly as PostgreSQL's
 *   json_build_object(...)::text writes it (timestamps in UTC), in key order
 *   {"end":"items","rows":N,"sha256":"<hex of every row line followed by \n>"}
 *   and last {"end":"backup","tables":T,"rows":R}
 *
 * Counts in the header come from the same snapshot as the rows; checksums follow each table
 * because the file is written in one pass. A file without its last line is incomplete.
 */
export const BACKUP_FORMAT = 'pulse-backup';
export const BACKUP_VERSION = 1;

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  version: number;
  createdAt: string;
  source: { driver: 'pglite' | 'postgres'; postgres: string };
  /** the schema level: how many migrations were applied, the last one's tag, and each one's
   * journal time (drizzle's created_at), which identifies them */
  migrations: { applied: number; latest: string | null; when: number[] };
  tables: { name: string; rows: number }[];
}

export interface TableHeader {
  table: string;
  columns: string[];
  key: string[];
  rows: number;
}

export interface TableFooter {
  end: string;
  rows: number;
  sha256: string;
}

export interface BackupTrailer {
  end: 'backup';
  tables: number;
  rows: number;
}

/** A running count and SHA-256 over a table's row lines, the same on every side that reads it. */
export class TableDigest {
  rows = 0;
  private hash: Hash = createHash('sha256');
  add(line: string): void {
    this.hash.update(line);
    this.hash.update('\n');
    this.rows++;
  }
  hex(): string {
    return this.hash.digest('hex');
  }
}

/** Orders tables so that every table comes after the ones it references; otherwise by name. */
export function loadOrder<T extends { name: string; references: string[] }>(tables: T[]): T[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const done = new Set<string>();
  const out: T[] = [];
  const visit = (t: T, path: Set<string>) => {
    if (done.has(t.name)) return;
    if (path.has(t.name)) throw new Error(`foreign keys form a cycle through ${t.name}`);
    path.add(t.name);
    for (const r of [...t.references].sort()) {
      const dep = byName.get(r);
      if (dep) visit(dep, path);
    }
    path.delete(t.name);
    done.add(t.name);
    out.push(t);
  };
  for (const t of [...tables].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) visit(t, new Set());
  return out;
}

/** A problem with a backup file, phrased for one line. */
export class BackupFileError extends Error {
  override name = 'BackupFileError';
}

/** Parses one control line of a backup file, naming the line when it is not what was expected. */
export function parseControl<T>(line: string | undefined, lineNo: number, check: (o: Record<string, unknown>) => boolean, what: string): T {
  if (line === undefined) throw new BackupFileError(`the backup ends early: expected ${what} at line ${lineNo} (incomplete file?)`);
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new BackupFileError(`line ${lineNo} is not JSON: expected ${what}`);
  }
  if (!value || typeof value !== 'object' || !check(value as Record<string, unknown>))
    throw new BackupFileError(`line ${lineNo}: expected ${what}`);
  return value as T;
}

export const isHeader = (o: Record<string, unknown>) =>
  o.format === BACKUP_FORMAT && typeof o.version === 'number' && Array.isArray(o.tables) && typeof o.migrations === 'object';
export const isTableHeader = (o: Record<string, unknown>) =>
  typeof o.table === 'string' && Array.isArray(o.columns) && typeof o.rows === 'number';
export const isFooter = (name: string) => (o: Record<string, unknown>) =>
  o.end === name && typeof o.rows === 'number' && typeof o.sha256 === 'string';
export const isTrailer = (o: Record<string, unknown>) => o.end === 'backup' && typeof o.tables === 'number';

/** How a restore's schema level relates to the target's, from each side's migration times. */
export function compareLevels(backup: number[], target: number[], known: number[]): { ok: true } | { ok: false; message: string } {
  const prefix = (a: number[], b: number[]) => a.length <= b.length && a.every((w, i) => b[i] === w);
  if (!prefix(backup, known))
    return {
      ok: false,
      message: `the backup is at a schema level this Pulse does not know (${backup.length} migrations, ${known.length} known here): restore it with the Pulse version that made it or a later one`,
    };
  if (!prefix(target, known) && !prefix(known, target))
    return { ok: false, message: 'the target database has migrations this Pulse does not know' };
  if (target.length > backup.length && !prefix(backup, target))
    return { ok: false, message: 'the target database has a different migration history from the backup' };
  return { ok: true };
}
