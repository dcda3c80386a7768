import { and, desc, eq, lt, sql } from 'drizzle-orm';
import type { JobStatus } from '../../src/labels.ts';
import type { Db } from '../client.ts';
import { jobRuns } from '../schema/index.ts';

export type JobRunRow = typeof jobRuns.$inferSelect;

export async function startRun(db: Db, p: { job: string; instance: string; at: Date }): Promise<number> {
  const [row] = await db.insert(jobRuns).values({ job: p.job, instance: p.instance, startedAt: p.at }).returning({ id: jobRuns.id });
  return row!.id;
}

export async function finishRun(
  db: Db,
  p: { id: number; at: Date; status: Exclude<JobStatus, 'running'>; counts?: Record<string, number>; error?: string | null },
): Promise<void> {
  await db
    .update(jobRuns)
    .set({ finishedAt: p.at, status: p.status, counts: p.counts ?? {}, error: p.error ?? null })
    .where(eq(jobRuns.id, p.id));
}

/** A run that was skipped without starting (another process held the singleton lock). */
export async function recordSkipped(db: Db, p: { job: string; instance: string; at: Date; reason: string }): Promise<void> {
  await db
    .insert(jobRuns)
    .values({ job: p.job, instance: p.instance, startedAt: p.at, finishedAt: p.at, status: 'skipped', error: p.reason });
}

/** Recent runs, newest first. */
export async function listRuns(db: Db, p: { job?: string; limit: number }): Promise<JobRunRow[]> {
  return db
    .select()
    .from(jobRuns)
    .where(p.job ? eq(jobRuns.job, p.job) : undefined)
    .orderBy(desc(jobRuns.startedAt), desc(jobRuns.id))
    .limit(p.limit);
}

/** Deletes finished runs older than `before`; marks runs left "running" since `staleBefore` as failed. */
export async function pruneRuns(db: Db, p: { before: Date; staleBefore: Date; at: Date }): Promise<{ deleted: number; abandoned: number }> {
  const abandoned = await db
    .update(jobRuns)
    .set({ status: 'failed', finishedAt: p.at, error: 'abandoned: the process stopped before the run finished' })
    .where(and(eq(jobRuns.status, 'running'), lt(jobRuns.startedAt, p.staleBefore)))
    .returning({ id: jobRuns.id });
  const deleted = await db
    .delete(jobRuns)
    .where(and(lt(jobRuns.startedAt, p.before), sql`${jobRuns.status} <> 'running'`))
    .returning({ id: jobRuns.id });
  return { deleted: deleted.length, abandoned: abandoned.length };
}
