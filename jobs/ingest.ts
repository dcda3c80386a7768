import { labelPending } from '../src/services/labels.ts';
import { ingest } from '../src/services/ingest.ts';
import type { JobCounts, JobDeps } from './types.ts';

/**
 * Fetches the sources whose next fetch time has come and labels what is new straight away.
 * Several processes may run this at once: each claims different sources.
 */
export async function run(deps: JobDeps): Promise<JobCounts> {
  const db = deps.database.db;
  let classified = 0;
  const { totals } = await ingest(
    {
      db,
      config: deps.config,
      logger: deps.logger,
      clock: deps.clock,
      instance: deps.instance,
      metrics: deps.metrics,
      afterStore: async (ids) => {
        const r = await labelPending({ db, model: deps.model, clock: deps.clock, logger: deps.logger, metrics: deps.metrics }, { ids });
        classified += r.classified;
      },
    },
    { signal: deps.signal },
  );
  return {
    sourcesFetched: totals.sources,
    newItems: totals.inserted,
    duplicates: totals.duplicates,
    skippedEntries: totals.skipped,
    failedSources: totals.failed,
    classified,
  };
}
