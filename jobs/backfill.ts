import { ServiceError } from '../src/services/errors.ts';
import { pendingBackfills, runBackfill } from '../src/services/backfill.ts';
import type { JobCounts, JobDeps } from './types.ts';

/** Backfills taken per run at most; the rest wait for the next run. */
const MAX_PER_RUN = 20;

/**
 * Carries on with backfills that are waiting: those queued by a stop (a signal, a shutdown) and
 * those whose process died mid-walk (a kill, a crash: their heartbeat is older than the lease).
 * Each resumes from the place it stored. Several processes may run this at once: a backfill is
 * claimed before it is walked, so one that another process took in the meantime is passed over.
 */
export async function run(deps: JobDeps): Promise<JobCounts> {
  const db = deps.database.db;
  const counts = { pending: 0, resumed: 0, done: 0, failed: 0, stopped: 0, takenByOthers: 0, inserted: 0 };
  const pending = await pendingBackfills({ db, clock: deps.clock }, { limit: MAX_PER_RUN });
  counts.pending = pending.length;
  for (const b of pending) {
    if (deps.signal?.aborted) break;
    try {
      const r = await runBackfill(
        { db, config: deps.config, clock: deps.clock, model: deps.model, logger: deps.logger, instance: deps.instance },
        { id: b.id },
        { signal: deps.signal },
      );
      counts.resumed++;
      counts.inserted += r.counts.inserted ?? 0;
      if (r.status === 'done') counts.done++;
      else if (r.status === 'failed') counts.failed++;
      else counts.stopped++;
    } catch (err) {
      if (err instanceof ServiceError && err.kind === 'conflict') counts.takenByOthers++;
      else throw err;
    }
  }
  return counts;
}
