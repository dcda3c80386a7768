import { countRelabel, relabel } from '../services/labels.ts';
import { defaultModel } from '../classify/model.ts';
import { systemClock } from '../clock.ts';
import { context, parse, UsageError, withDatabase, type Io } from './common.ts';
import { progress } from './progress.ts';

/** `pulse reclassify`: after a model change, re-label everything (or items since a date). */
export async function reclassifyCommand(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, { since: { type: 'string' } });
  let since: Date | undefined;
  if (values.since !== undefined) {
    since = new Date(values.since);
    if (!/^\d{4}-\d{2}-\d{2}/.test(values.since) || Number.isNaN(since.getTime()))
      throw new UsageError(`--since: expected a date such as 2025-07-01, got "${values.since}"`);
  }
  const ctx = context({ quiet: true });
  const model = defaultModel();
  const done = await withDatabase(ctx, async (d) => {
    const bar = progress(io, 're-labelling', await countRelabel({ db: d.db }, { since }));
    try {
      return await relabel({ db: d.db, model, clock: systemClock, logger: ctx.logger }, { since, onBatch: (n) => bar.update(n) });
    } finally {
      bar.end();
    }
  });
  io.out(`re-labelled ${done} items with ${model.version}${since ? ` (published since ${since.toISOString().slice(0, 10)})` : ''}`);
  return 0;
}
