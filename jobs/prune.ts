import { pruneRuns } from '../src/services/jobs.ts';
import type { JobCounts, JobDeps } from './types.ts';

/** Housekeeping, on one process at a time: old job runs go, abandoned ones are closed. */
export async function run(deps: JobDeps): Promise<JobCounts> {
  return pruneRuns({ db: deps.database.db, clock: deps.clock });
}
