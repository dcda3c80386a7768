import { rebuildDirtyDays } from '../db/queries/rollups.ts';
import type { JobCounts, JobDeps } from './types.ts';

/** Days rebuilt per run at most; the rest wait for the next run (trends read them from items meanwhile). */
const MAX_DAYS_PER_RUN = 2000;

/** Keeps the daily rollups that trends read in step with the labels. One process at a time. */
export async function run(deps: JobDeps): Promise<JobCounts> {
  const { rebuilt, remaining } = await rebuildDirtyDays(deps.database.db, { limit: MAX_DAYS_PER_RUN });
  return { daysRebuilt: rebuilt, daysRemaining: remaining };
}
