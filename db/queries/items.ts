import { and, arrayContains, count, desc, eq, gte, lt, or, type SQL } from 'drizzle-orm';
import type { Concern, SourceKind, Stance } from '../../src/labels.ts';
import type { Db } from '../client.ts';
import { items, sources } from '../schema/index.ts';

export interface ItemFilters {
  source?: number | undefined;
  kind?: SourceKind | undefined;
  relevant?: boolean | undefined;
  stance?: Stance | undefined;
  concern?: Concern | undefined;
  studio?: string | undefined;
  union?: string | undefined;
  area?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

/** Position after the last row of a page: newest first by published time, then id. */
export interface ItemCursor {
  publishedAt: Date;
  id: number;
}

const itemColumns = {
  id: items.id,
  url: items.url,
  title: items.title,
  summary: items.summary,
  author: items.author,
  publishedAt: items.publishedAt,
  publishedEstimated: items.publishedEstimated,
  fetchedAt: items.fetchedAt,
  language: items.language,
  studios: items.studios,
  unions: items.unions,
  areas: items.areas,
  status: items.status,
  relevant: items.relevant,
  stance: items.stance,
  confidence: items.confidence,
  concerns: items.concerns,
  model: items.model,
  sourceId: sources.id,
  sourceName: sources.name,
  sourceKind: sources.kind,
};

export type ItemListRow = Awaited<ReturnType<typeof listItems>>['rows'][number];

/** The WHERE clause for a set of filters; `to` is exclusive. */
export function itemWhere(f: ItemFilters): SQL | undefined {
  return and(
    f.source !== undefined ? eq(items.sourceId, f.source) : undefined,
    f.kind ? eq(sources.kind, f.kind) : undefined,
    f.relevant !== undefined ? eq(items.relevant, f.relevant) : undefined,
    f.stance ? eq(items.stance, f.stance) : undefined,
    f.concern ? arrayContains(items.concerns, [f.concern]) : undefined,
    f.studio ? arrayContains(items.studios, [f.studio]) : undefined,
    f.union ? arrayContains(items.unions, [f.union]) : undefined,
    f.area ? arrayContains(items.areas, [f.area]) : undefined,
    f.from ? gte(items.publishedAt, f.from) : undefined,
    f.to ? lt(items.publishedAt, f.to) : undefined,
  );
}

/** One page of items, newest first, and the total that match the filters. */
export async function listItems(db: Db, p: { filters: ItemFilters; limit: number; cursor?: ItemCursor }) {
  const where = itemWhere(p.filters);
  const after = p.cursor
    ? or(lt(items.publishedAt, p.cursor.publishedAt), and(eq(items.publishedAt, p.cursor.publishedAt), lt(items.id, p.cursor.id)))
    : undefined;
  const rows = await db
    .select(itemColumns)
    .from(items)
    .innerJoin(sources, eq(items.sourceId, sources.id))
    .where(and(where, after))
    .orderBy(desc(items.publishedAt), desc(items.id))
    .limit(p.limit + 1);
  const [{ n }] = (await db.select({ n: count() }).from(items).innerJoin(sources, eq(items.sourceId, sources.id)).where(where)) as [{ n: number }];
  const page = rows.slice(0, p.limit);
  const last = page.at(-1);
  const next: ItemCursor | null = rows.length > p.limit && last ? { publishedAt: last.publishedAt, id: last.id } : null;
  return { rows: page, next, total: Number(n) };
}

/** Number of stored items (all sources, deleted ones included). */
export async function countItems(db: Db): Promise<number> {
  const [{ n }] = (await db.select({ n: count() }).from(items)) as [{ n: number }];
  return Number(n);
}

