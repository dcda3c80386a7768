import { storeWeeklyDigest } from '../src/services/digests.ts';
import type { JobCounts, JobDeps } from './types.ts';

/** Stores the previous ISO week's general digest (once; later runs find it stored). */
export async function run(deps: JobDeps): Promise<JobCounts> {
  const { view, created } = await storeWeeklyDigest({ db: deps.database.db, clock: deps.clock, config: deps.config, model: deps.model });
  return { built: created ? 1 : 0, version: view.version ?? 0 };
}
