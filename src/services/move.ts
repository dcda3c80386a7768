import type { Database } from '../../db/client.ts';
import { migrate } from '../../db/migrate.ts';
import {
  appliedMigrations,
  countRows,
  deleteAllRows,
  finishMoveState,
  firstNonEmpty,
  forEachBatch,
  inSnapshot,
  inTransaction,
  insertJsonRows,
  lastKey,
  readBatchAfter,
  readMoveState,
  resetSequences,
  startMoveState,
} from '../../db/queries/backup.ts';
import { DEFAULT_BATCH, tableDigests, tablesInLoadOrder } from './backup.ts';
import type { ServiceDeps } from './deps.ts';
import { conflict } from './errors.ts';

export interface MoveTableReport {
  name: string;
  /** rows copied by this run (a rerun copies only what an interrupted one had not) */
  copied: number;
  source: { rows: number; sha256: string };
  target: { rows: number; sha256: string };
  match: boolean;
}

export interface MoveReport {
  tables: MoveTableReport[];
  /** every table has the same row count and checksum on both sides */
  ok: boolean;
  /** this run continued a move an earlier run had started */
  resumed: boolean;
  sequences: number;
}

export interface MoveProgress {
  table: string;
  copied: number;
  /** rows the table holds in the source */
  total: number;
}

/**
 * Copies every Pulse table from this database (deps.db, normally the embedded one) into the
 * PostgreSQL database `target`, in batches of `batch` rows, each batch committed on its own.
 * Rerunnable: a keyed table continues after the last key the target holds (rows go in key
 * order, so the target always holds a prefix), a table without a key is copied again in one
 * transaction. The target must be empty, or hold a move from the same source that has not
 * finished. Sequences are set after the copy; then every table's count and checksum are compared.
 */
export async function moveDatabase(
  deps: Pick<ServiceDeps, 'db' | 'clock'>,
  p: { target: Database; source: string; batch?: number; onProgress?: (p: MoveProgress) => void },
): Promise<MoveReport> {
  const batch = p.batch ?? DEFAULT_BATCH;
  const target = p.target.db;
  await migrate(p.target);
  const [from, to] = [await appliedMigrations(deps.db), await appliedMigrations(target)];
  if (from.length !== to.length || from.some((m, i) => m.createdAt !== to[i]!.createdAt))
    throw conflict(`the source has ${from.length} migrations and the target ${to.length}: run both with the same Pulse version`);

  const tables = await tablesInLoadOrder(deps.db);
  const state = await readMoveState(target);
  if (state && state.source !== p.source) throw conflict(`the target holds a move from ${state.source}, not from ${p.source}`);
  if (!state) {
    const busy = await firstNonEmpty(target, tables);
    if (busy) throw conflict(`the target database is not empty (table "${busy}" has rows); move into an empty database`);
    await startMoveState(target, { source: p.source, at: deps.clock.now() });
  }

  const targetTables = new Map((await tablesInLoadOrder(target)).map((t) => [t.name, t]));
  const copied = new Map<string, number>();
  for (const t of tables) {
    const tt = targetTables.get(t.name);
    if (!tt) throw conflict(`table "${t.name}" does not exist in the target`);
    let n = 0;
    const total = await countRows(deps.db, t);
    if (t.key.length) {
      let after = await lastKey(target, t);
      for (;;) {
        const { lines, last } = await readBatchAfter(deps.db, t, after, batch);
        if (!lines.length) break;
        await inTransaction(target, (tx) =>
          insertJsonRows(
            tx,
            t.name,
            t.columns.map((c) => c.name),
            `[${lines.join(',')}]`,
          ),
        );
        n += lines.length;
        after = last;
        p.onProgress?.({ table: t.name, copied: n, total });
        if (lines.length < batch) break;
      }
    } else {
      await inTransaction(target, async (tx) => {
        await deleteAllRows(tx, t.name);
        await inSnapshot(deps.db, (src) =>
          forEachBatch(src, t, batch, async (lines) => {
            await insertJsonRows(
              tx,
              t.name,
              t.columns.map((c) => c.name),
              `[${lines.join(',')}]`,
            );
            n += lines.length;
            p.onProgress?.({ table: t.name, copied: n, total });
          }),
        );
      });
    }
    copied.set(t.name, n);
  }
  const sequences = await resetSequences(target, [...targetTables.values()]);

  const [src, dst] = [
    await tableDigests(deps.db, tables, batch),
    await tableDigests(
      target,
      tables.map((t) => targetTables.get(t.name)!),
      batch,
    ),
  ];
  const report: MoveTableReport[] = tables.map((t) => {
    const s = src.get(t.name)!;
    const d = dst.get(t.name)!;
    return { name: t.name, copied: copied.get(t.name) ?? 0, source: s, target: d, match: s.rows === d.rows && s.sha256 === d.sha256 };
  });
  const ok = report.every((r) => r.match);
  if (ok) await finishMoveState(target, { at: deps.clock.now() });
  return { tables: report, ok, resumed: state !== undefined, sequences };
}
