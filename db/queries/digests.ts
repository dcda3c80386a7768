import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { digests } from '../schema/index.ts';

export type DigestRow = typeof digests.$inferSelect;
export type NewDigest = Omit<typeof digests.$inferInsert, 'id' | 'version' | 'filterKey'>;

export const filterKeyOf = (studio?: string | null, union?: string | null) =>
  studio || union ? `studio=${studio ?? ''};union=${union ?? ''}` : '';

/** The latest stored version of a week's digest for these filters. */
export async function latestDigest(
  db: Db,
  p: { week: string; studio?: string | null; union?: string | null },
): Promise<DigestRow | undefined> {
  const [row] = await db
    .select()
    .from(digests)
    .where(and(eq(digests.week, p.week), eq(digests.filterKey, filterKeyOf(p.studio, p.union))))
    .orderBy(desc(digests.version))
    .limit(1);
  return row;
}

/** Stores a new version (1 for the first); older versions are kept untouched. */
export async function storeDigest(db: Db, d: NewDigest): Promise<DigestRow> {
  const filterKey = filterKeyOf(d.studio, d.union);
  return db.transaction(async (tx) => {
    // serialise versions of one (week, filters) so two builders never take the same number
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`pulse:digest:${d.week}:${filterKey}`}))`);
    const [{ v }] = (await tx
      .select({ v: sql<number>`coalesce(max(${digests.version}), 0)::int` })
      .from(digests)
      .where(and(eq(digests.week, d.week), eq(digests.filterKey, filterKey)))) as [{ v: number }];
    const [row] = await tx
      .insert(digests)
      .values({ ...d, filterKey, version: Number(v) + 1 })
      .returning();
    return row!;
  });
}

/** Stored digests, newest first, without their bodies (only the one-paragraph summary). */
export async function listDigests(db: Db, limit: number) {
  return db
    .select({
      id: digests.id,
      week: digests.week,
      studio: digests.studio,
      union: digests.union,
      version: digests.version,
      generatedAt: digests.generatedAt,
      model: digests.model,
      summary: sql<string | null>`${digests.data}->>'summary'`,
    })
    .from(digests)
    .orderBy(desc(digests.generatedAt), desc(digests.id))
    .limit(limit);
}
