import { and, asc, eq, isNull, or, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { watches } from '../schema/index.ts';

export type WatchRow = typeof watches.$inferSelect;
export type NewWatch = Omit<typeof watches.$inferInsert, 'id' | 'createdAt' | 'lastSentAt' | 'lastError'>;

export async function insertWatch(db: Db, w: NewWatch): Promise<WatchRow> {
  const [row] = await db.insert(watches).values(w).returning();
  return row!;
}

export async function listWatches(db: Db): Promise<WatchRow[]> {
  return db.select().from(watches).orderBy(asc(watches.id));
}

export async function deleteWatch(db: Db, id: number): Promise<boolean> {
  return (await db.delete(watches).where(eq(watches.id, id)).returning({ id: watches.id })).length > 0;
}

/** Enabled watches whose interval since their last message has passed (or that never sent one). */
export async function dueWatches(db: Db, now: Date): Promise<WatchRow[]> {
  return db
    .select()
    .from(watches)
    .where(
      and(
        eq(watches.enabled, true),
        // an ISO string cast in SQL: a Date beside a raw expression has no column to encode it (postgres.js refuses it)
        or(
          isNull(watches.lastSentAt),
          sql`${watches.lastSentAt} + make_interval(mins => ${watches.intervalMinutes}) <= ${now.toISOString()}::timestamptz`,
        ),
      ),
    )
    .orderBy(asc(watches.id));
}

/** Records a check: items labelled before `through` are done; `sentAt` when a message went out. */
export async function recordWatchCheck(
  db: Db,
  p: { id: number; through: Date; sentAt?: Date | undefined; error?: string | null },
): Promise<void> {
  await db
    .update(watches)
    .set({
      checkedThrough: p.through,
      ...(p.sentAt ? { lastSentAt: p.sentAt } : {}),
      ...(p.error !== undefined ? { lastError: p.error } : {}),
    })
    .where(eq(watches.id, p.id));
}
