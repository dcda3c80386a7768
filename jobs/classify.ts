import { labelPending } from '../src/services/labels.ts';
import type { JobCounts, JobDeps } from './types.ts';

/** Labels every pending item (new ones the ingest run could not label, and retries). */
export async function run(deps: JobDeps): Promise<JobCounts> {
  const r = await labelPending({ db: deps.database.db, model: deps.model, clock: deps.clock, logger: deps.logger, metrics: deps.metrics });
  return { classified: r.classified, failed: r.failed };
}
