import { getDigest, lastCompleteWeek } from '../src/digest/service.ts';
import type { JobCounts, JobDeps } from './types.ts';

/** Stores the previous ISO week's general digest (once; later runs find it stored). */
export async function run(deps: JobDeps): Promise<JobCounts> {
  const now = deps.clock.now();
  const week = lastCompleteWeek(now, deps.config.timeZone);
  const { digest, created } = await getDigest(deps.database.db, { week }, { timeZone: deps.config.timeZone, model: deps.model.version, now, publicUrl: deps.config.publicUrl });
  return { built: created ? 1 : 0, version: digest.version };
}
