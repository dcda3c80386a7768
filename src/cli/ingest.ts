import { labelPending } from '../services/labels.ts';
import { defaultModel } from '../classify/model.ts';
import { systemClock } from '../clock.ts';
import { INSTANCE_ID } from '../instance.ts';
import { ingest, type SourceReport } from '../services/ingest.ts';
import { context, parse, parseId, withDatabase, type Io } from './common.ts';
import { statusLine } from './progress.ts';

/** One readable line per source. */
export function describeReport(r: SourceReport): string {
  const head = `#${r.sourceId} ${r.name}`;
  if (r.outcome === 'failed') return `${head}: failed: ${r.error}`;
  if (r.outcome === 'not_modified') return `${head}: not modified (HTTP 304)`;
  return `${head}: ${r.inserted} new, ${r.duplicates} duplicates, ${r.skipped} skipped (HTTP ${r.status}, ${r.durationMs} ms)`;
}

/** `pulse ingest`: exit 0 even when some sources failed (they are reported). */
export async function ingestCommand(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, { source: { type: 'string', multiple: true }, all: { type: 'boolean', default: false } });
  const ids = (values.source ?? []).map((s) => parseId(s, '--source'));
  const ctx = context({ quiet: true });
  const status = statusLine(io);
  const { reports, totals } = await withDatabase(ctx, async (d) => {
    let done = 0;
    const model = defaultModel();
    const afterStore = async (ids: number[]) => {
      await labelPending({ db: d.db, model, clock: systemClock, logger: ctx.logger }, { ids });
    };
    return ingest(
      { db: d.db, config: ctx.config, logger: ctx.logger, clock: systemClock, instance: INSTANCE_ID, afterStore },
      {
        ids: ids.length ? ids : undefined,
        all: values.all,
        onSource: (r) => {
          done++;
          if (status.tty) status.show(`[${'#'.repeat(Math.min(done, 30))}] ${done} fetched`);
          else io.out(describeReport(r));
        },
      },
    );
  });
  if (status.tty) {
    status.clear();
    for (const r of reports) io.out(describeReport(r));
  }
  if (ids.length) {
    const missing = ids.filter((id) => !reports.some((r) => r.sourceId === id));
    for (const id of missing) io.err(`#${id}: no such source, or another process is fetching it`);
  }
  io.out(
    `total: ${totals.sources} sources, ${totals.inserted} new items, ${totals.duplicates} duplicates, ${totals.skipped} skipped, ${totals.failed} failed` +
      (totals.sources === 0 && !ids.length ? ' (nothing due; use --all to fetch every source now)' : ''),
  );
  return 0;
}
