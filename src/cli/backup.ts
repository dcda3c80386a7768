import { createReadStream, createWriteStream, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { openDatabase, redactUrl } from '../../db/client.ts';
import { writeBackup, restoreBackup } from '../services/backup.ts';
import { moveDatabase } from '../services/move.ts';
import { systemClock } from '../clock.ts';
import { CommandError, context, parse, pathFrom, table, UsageError, withDatabase, type Io } from './common.ts';
import { statusLine } from './progress.ts';

function batchOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,6}$/.test(value) || Number(value) < 1)
    throw new UsageError(`--batch must be a whole number from 1 to 999999, got "${value}"`);
  return Number(value);
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/** `pulse backup --out FILE`: written to FILE.partial and renamed once complete. */
export async function backupCommand(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, { out: { type: 'string' }, batch: { type: 'string' } });
  if (!values.out) throw new UsageError('--out FILE is required');
  const batch = batchOf(values.batch);
  const ctx = context({ quiet: true });
  const file = pathFrom(io, values.out);
  const partial = `${file}.partial`;
  const started = Date.now();
  const { summary, where } = await withDatabase(ctx, async (d) => {
    try {
      const summary = await writeBackup({ db: d.db, clock: systemClock }, { out: createWriteStream(partial), driver: d.driver, batch });
      renameSync(partial, file);
      return { summary, where: `${d.driver} at ${d.where}` };
    } catch (err) {
      rmSync(partial, { force: true });
      throw err;
    }
  });
  io.out(
    `backup of ${where}: ${summary.tables.length} tables, ${summary.rows} rows, schema ${summary.migrations.latest ?? 'empty'} -> ${file} ` +
      `(${mb(statSync(file).size)}, ${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  return 0;
}

/** `pulse restore FILE` into the configured database, which must be empty. */
export async function restoreCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { batch: { type: 'string' } }, true);
  if (positionals.length !== 1) throw new UsageError('pulse restore takes one backup file');
  const file = pathFrom(io, positionals[0]!);
  if (!existsSync(file)) throw new CommandError(`no such file: ${file}`);
  const batch = batchOf(values.batch);
  const ctx = context({ quiet: true });
  const database = await openDatabase({ databaseUrl: ctx.config.databaseUrl, dataDir: ctx.config.dataDir });
  const started = Date.now();
  try {
    const s = await restoreBackup({ db: database.db, database }, { input: createReadStream(file), batch });
    io.out(
      `restored ${file} (made ${s.createdAt}) into ${database.driver} at ${database.where}: ${s.tables.length} tables, ${s.rows} rows, ` +
        `${s.verified} tables read back with matching counts and checksums, ${s.sequences} sequences set (${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
    return 0;
  } finally {
    await database.close();
  }
}

/** `pulse move-to URL`: copy, then compare; exit 1 when any table differs. */
export async function moveCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { batch: { type: 'string' } }, true);
  if (positionals.length !== 1) throw new UsageError('pulse move-to takes one postgres:// URL');
  const url = positionals[0]!;
  if (!/^postgres(ql)?:\/\//.test(url)) throw new UsageError('pulse move-to needs a postgres:// or postgresql:// URL');
  const batch = batchOf(values.batch);
  const ctx = context({ quiet: true });
  if (ctx.config.databaseUrl && ctx.config.databaseUrl === url)
    throw new CommandError('the target is the database Pulse is configured to use; unset DATABASE_URL to move the embedded one');
  const report = await withDatabase(ctx, async (source) => {
    const target = await openDatabase({ databaseUrl: url, dataDir: '', max: 2 });
    const status = statusLine(io);
    try {
      return await moveDatabase(
        { db: source.db, clock: systemClock },
        {
          target,
          source: `${source.driver}:${source.where}`,
          batch,
          // one line per batch, rewritten in place on a terminal
          onProgress: (pr) => {
            const line = `${pr.table}: ${pr.copied} of ${pr.total} rows copied`;
            if (status.tty) status.show(line);
            else io.err(line);
          },
        },
      );
    } finally {
      status.clear();
      await target.close();
    }
  });
  const rows = [['TABLE', 'COPIED NOW', 'SOURCE ROWS', 'TARGET ROWS', 'CHECKSUM']];
  for (const t of report.tables)
    rows.push([t.name, String(t.copied), String(t.source.rows), String(t.target.rows), t.match ? 'same' : 'DIFFERENT']);
  table(rows).forEach(io.out);
  const where = redactUrl(url);
  if (!report.ok) {
    const bad = report.tables.filter((t) => !t.match).map((t) => t.name);
    throw new CommandError(
      `${bad.length} tables differ in ${where} (${bad.join(', ')}): did something write to the source during the move? Stop Pulse, empty the target (drop and create the database) and move again`,
    );
  }
  io.out(
    `${report.resumed ? 'resumed and finished' : 'moved'}: every table has the same rows in ${where}; ${report.sequences} sequences set. Start Pulse with DATABASE_URL=${where}`,
  );
  return 0;
}
