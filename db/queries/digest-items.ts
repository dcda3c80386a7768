import { and, desc, eq, gte, isNotNull, lt, arrayContains, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { items, sources } from '../schema/index.ts';

/** Labelled items of one week (for a digest), most confident first. */
export async function weekItems(db: Db, p: { start: Date; end: Date; studio?: string | null; union?: string | null }) {
  return db
    .select({
      id: items.id,
      title: items.title,
      url: items.url,
      publishedAt: items.publishedAt,
      stance: items.stance,
      confidence: items.confidence,
      relevant: items.relevant,
      concerns: items.concerns,
      studios: items.studios,
      unions: items.unions,
      quote: sql<string | null>`${items.explanation}->>'sentence'`,
      model: items.model,
      sourceName: sources.name,
      sourceKind: sources.kind,
    })
    .from(items)
    .innerJoin(sources, eq(items.sourceId, sources.id))
    .where(
      and(
        isNotNull(items.stance),
        gte(items.publishedAt, p.start),
        lt(items.publishedAt, p.end),
        p.studio ? arrayContains(items.studios, [p.studio]) : undefined,
        p.union ? arrayContains(items.unions, [p.union]) : undefined,
      ),
    )
    .orderBy(desc(items.confidence), desc(items.publishedAt), desc(items.id));
}

/** How many sources Pulse reads now. */
export async function liveSourceCount(db: Db): Promise<number> {
  const [row] = (await db.select({ n: sql<number>`count(*)::int` }).from(sources).where(sql`${sources.deletedAt} is null`)) as [
    { n: number },
  ];
  return Number(row.n);
}
