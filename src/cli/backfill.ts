import { systemClock } from '../clock.ts';
import { INSTANCE_ID } from '../instance.ts';
import { listSources } from '../services/sources.ts';
import { presentBackfill, requestBackfill, runBackfill, type BackfillEvent } from '../services/backfill.ts';
import { context, parse, parseId, UsageError, withServices, type Io } from './common.ts';
import { statusLine } from './progress.ts';

/** One line of counts. */
function countsLine(c: Record<string, number>): string {
  return `${c.inserted ?? 0} new, ${c.duplicates ?? 0} already stored, ${c.outOfRange ?? 0} out of range, ${c.fullText ?? 0} full texts (${c.fullTextFailed ?? 0} failed), ${c.pages ?? 0} requests, ${c.failedFetches ?? 0} failed, ${c.blocked ?? 0} blocked`;
}

/**
 * `pulse backfill`: one backfill per source, run in turn. Ctrl-C stops cleanly (the next run
 * carries on); a progress bar on a terminal, one plain line per step otherwise.
 */
export async function backfillCommand(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, {
    source: { type: 'string', multiple: true },
    all: { type: 'boolean', default: false },
    from: { type: 'string' },
    to: { type: 'string' },
  });
  if (!values.from || !values.to) throw new UsageError('--from and --to are required (YYYY-MM-DD)');
  const ids = (values.source ?? []).map((s) => parseId(s, '--source'));
  if (!ids.length && !values.all) throw new UsageError('name a --source ID (or --all)');
  const ctx = context({ quiet: true });
  const status = statusLine(io);
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let failed = 0;
  try {
    await withServices(ctx, async (d) => {
      const targets = ids.length ? ids : (await listSources(d)).filter((s) => s.type !== 'import').map((s) => s.id);
      for (const sourceId of targets) {
        if (stop.signal.aborted) break;
        const { backfill, resumed } = await requestBackfill(d, { sourceId, from: values.from!, to: values.to! });
        io.out(`${resumed ? 'resuming' : 'starting'} backfill ${backfill.id} of source ${sourceId}, ${values.from} to ${values.to}`);
        const onProgress = (e: BackfillEvent) => {
          if (status.tty)
            status.show(`[${e.stage}] ${e.message.slice(0, 60)} | ${e.counts.inserted ?? 0} new, ${e.counts.pages ?? 0} requests`);
          else io.out(`  ${e.stage}: ${e.message}`);
        };
        const done = await runBackfill(
          { ...d, instance: INSTANCE_ID, clock: systemClock },
          { id: backfill.id },
          { onProgress, signal: stop.signal },
        );
        status.clear();
        const shown = presentBackfill(done);
        io.out(`backfill ${done.id} ${shown.status}: ${countsLine(done.counts)}${done.error ? ` (${done.error})` : ''}`);
        if (done.status !== 'done') failed++;
      }
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return failed ? 1 : 0;
}
