import { pruneRuns } from '../db/queries/jobs.ts';
import type { JobCounts, JobDeps } from './types.ts';

const KEEP_RUNS_DAYS = 30;
/** A run still "running" after this long belongs to a process that died. */
const ABANDONED_AFTER_MS = 6 * 60 * 60_000;

/** Housekeeping, on one process at a time: old job runs go, abandoned ones are closed. */
export async function run(deps: JobDeps): Promise<JobCounts> {
  const now = deps.clock.now();
  return pruneRuns(deps.database.db, {
    before: new Date(now.getTime() - KEEP_RUNS_DAYS * 86_400_000),
    staleBefore: new Date(now.getTime() - ABANDONED_AFTER_MS),
    at: now,
  });
}
