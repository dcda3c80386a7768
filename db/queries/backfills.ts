import { and, desc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { backfills, items, sightings, type BackfillProgress } from '../schema/index.ts';

export type BackfillRow = typeof backfills.$inferSelect;
export type { BackfillProgress } from '../schema/index.ts';

/**
 * The unfinished backfill of a source over the same range, or a new one: asking twice for the
 * same history carries on the first walk rather than starting a second.
 */
export async function createOrFindBackfill(
  db: Db,
  p: { sourceId: number; from: string; to: string },
): Promise<{ row: BackfillRow; resumed: boolean }> {
  return db.transaction(async (tx) => {
    const [open] = await tx
      .select()
      .from(backfills)
      .where(
        and(
          eq(backfills.sourceId, p.sourceId),
          eq(backfills.from, p.from),
          eq(backfills.to, p.to),
          inArray(backfills.status, ['queued', 'running', 'failed']),
        ),
      )
      .orderBy(desc(backfills.id))
      .limit(1)
      .for('update');
    if (open) return { row: open, resumed: true };
    const [row] = await tx.insert(backfills).values({ sourceId: p.sourceId, from: p.from, to: p.to }).returning();
    return { row: row!, resumed: false };
  });
}

export async function getBackfill(db: Db, id: number): Promise<BackfillRow | undefined> {
  const [row] = await db.select().from(backfills).where(eq(backfills.id, id));
  return row;
}

/**
 * Takes a backfill to run: one queued or failed, one this process already holds, or one whose
 * last heartbeat is older than `staleBefore` (its process died). Undefined when a live process has it.
 */
export async function claimBackfill(
  db: Db,
  p: { id: number; instance: string; now: Date; staleBefore: Date; jobRunId: number | null },
): Promise<BackfillRow | undefined> {
  const [row] = await db
    .update(backfills)
    .set({ status: 'running', claimedBy: p.instance, heartbeatAt: p.now, jobRunId: p.jobRunId, error: null })
    .where(
      and(
        eq(backfills.id, p.id),
        or(
          inArray(backfills.status, ['queued', 'failed']),
          eq(backfills.claimedBy, p.instance),
          isNull(backfills.heartbeatAt),
          lt(backfills.heartbeatAt, p.staleBefore),
        ),
        sql`${backfills.status} <> 'done'`,
      ),
    )
    .returning();
  return row;
}

/** Queued backfills, and running ones whose process stopped answering, oldest first. */
export async function resumableBackfills(db: Db, p: { staleBefore: Date; limit: number }): Promise<BackfillRow[]> {
  return db
    .select()
    .from(backfills)
    .where(or(eq(backfills.status, 'queued'), and(eq(backfills.status, 'running'), lt(backfills.heartbeatAt, p.staleBefore))))
    .orderBy(backfills.id)
    .limit(p.limit);
}

/** Stores where the walk has got to (and is the heartbeat). */
export async function saveBackfillProgress(
  db: Db,
  p: { id: number; progress: BackfillProgress; counts: Record<string, number>; now: Date },
): Promise<void> {
  await db.update(backfills).set({ progress: p.progress, counts: p.counts, heartbeatAt: p.now }).where(eq(backfills.id, p.id));
}

export async function finishBackfill(
  db: Db,
  p: {
    id: number;
    status: 'done' | 'failed' | 'queued';
    progress: BackfillProgress;
    counts: Record<string, number>;
    error?: string | null;
    now: Date;
  },
): Promise<void> {
  await db
    .update(backfills)
    .set({
      status: p.status,
      progress: p.progress,
      counts: p.counts,
      error: p.error ?? null,
      heartbeatAt: p.now,
      claimedBy: null,
      finishedAt: p.status === 'done' ? p.now : null,
    })
    .where(eq(backfills.id, p.id));
}

/** Which of these URLs Pulse already has, as an item or a sighting (their pages need no fetch). */
export async function knownUrls(db: Db, urls: string[]): Promise<Set<string>> {
  const known = new Set<string>();
  for (let i = 0; i < urls.length; i += 500) {
    const chunk = urls.slice(i, i + 500);
    for (const r of await db.select({ url: items.url }).from(items).where(inArray(items.url, chunk))) known.add(r.url);
    for (const r of await db.select({ url: sightings.url }).from(sightings).where(inArray(sightings.url, chunk))) known.add(r.url);
  }
  return known;
}
