import {
  finishRun as finishRunRow,
  listRuns as listRunRows,
  pruneRuns as pruneRunRows,
  recordSkipped as recordSkippedRow,
  startRun as startRunRow,
  type JobRunRow,
} from '../../db/queries/jobs.ts';
import { rebuildDirtyDays } from '../../db/queries/rollups.ts';
import { moveSearchWindow } from '../../db/queries/search-window.ts';
import { refreshReactionBuckets } from './reactions.ts';
import type { JobStatus } from '../labels.ts';
import { replicaOf, type DbClockDeps, type DbDeps, type ReadDeps } from './deps.ts';

export type { JobRunRow } from '../../db/queries/jobs.ts';

/** Finished runs older than this are deleted by the prune job. */
export const KEEP_RUNS_DAYS = 30;
/** A run still "running" after this long belongs to a process that died. */
export const ABANDONED_AFTER_MS = 6 * 60 * 60_000;

export const presentRun = (r: JobRunRow) => ({
  id: r.id,
  job: r.job,
  instance: r.instance,
  status: r.status,
  startedAt: r.startedAt.toISOString(),
  finishedAt: r.finishedAt?.toISOString() ?? null,
  counts: r.counts,
  error: r.error,
});

/** Recent job runs across every process sharing the database, newest first. */
export async function listRuns(deps: ReadDeps, p: { job?: string | undefined; limit: number }) {
  return (await listRunRows(replicaOf(deps), p)).map(presentRun);
}

/** Records that a run started; returns its id. */
export async function startRun(deps: DbClockDeps, p: { job: string; instance: string }): Promise<number> {
  return startRunRow(deps.db, { ...p, at: deps.clock.now() });
}

export async function finishRun(
  deps: DbClockDeps,
  p: { id: number; status: Exclude<JobStatus, 'running'>; counts?: Record<string, number>; error?: string | null },
): Promise<void> {
  await finishRunRow(deps.db, { ...p, at: deps.clock.now() });
}

/** A run that was skipped without starting (another process held the singleton lock). */
export async function recordSkipped(deps: DbClockDeps, p: { job: string; instance: string; reason: string }): Promise<void> {
  await recordSkippedRow(deps.db, { ...p, at: deps.clock.now() });
}

/** Housekeeping: old runs go, abandoned ones are closed as failed. */
export async function pruneRuns(deps: DbClockDeps): Promise<{ deleted: number; abandoned: number }> {
  const now = deps.clock.now();
  return pruneRunRows(deps.db, {
    before: new Date(now.getTime() - KEEP_RUNS_DAYS * 86_400_000),
    staleBefore: new Date(now.getTime() - ABANDONED_AFTER_MS),
    at: now,
  });
}

/** Announcements whose cached reaction counts are (re)built per call at most: each reads up to a year of items. */
export const REACTION_BUILDS_PER_RUN = 2;

/**
 * Rebuilds the rollup rows (and cached reaction counts) of days whose labels changed, at most
 * `limit` days per call, then the cached reaction counts of announcements created or changed.
 */
export async function rebuildRollups(
  deps: DbDeps,
  p: { limit: number },
): Promise<{ rebuilt: number; remaining: number; reactionsBuilt: number; reactionsRemaining: number; reactionsFailed: number }> {
  const days = await rebuildDirtyDays(deps.db, p);
  const reactions = await refreshReactionBuckets(deps, { limit: REACTION_BUILDS_PER_RUN });
  return { ...days, reactionsBuilt: reactions.built, reactionsRemaining: reactions.remaining, reactionsFailed: reactions.failed };
}

/**
 * Items the recent search index keeps (the newest, by publication): a search ranks its newest
 * matches from there when this many recent items hold enough of them. At 10M items over two
 * years this is about 18 days.
 */
export const SEARCH_RECENT_ITEMS = 250_000;

/** Moves the recent search index's window to the newest SEARCH_RECENT_ITEMS items (made on first run). */
export async function refreshSearchWindow(deps: DbDeps, p: { keep?: number } = {}) {
  return moveSearchWindow(deps.db, { keep: p.keep ?? SEARCH_RECENT_ITEMS });
}
