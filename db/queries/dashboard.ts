import { and, asc, count, desc, eq, isNotNull, sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../client.ts';
import { items, sources } from '../schema/index.ts';
import { itemWhere, type ItemFilters } from './items.ts';

/** The newest publication time among labelled relevant items, so the dashboard opens on the data. */
export async function latestLabelledAt(db: Db): Promise<Date | undefined> {
  const [row] = rowsOf<{ at: string | Date | null }>(
    await db.execute(sql`select max(published_at) as at from items where stance is not null and relevant is true`),
  );
  return row?.at ? new Date(row.at) : undefined;
}

/**
 * Tag values seen in labelled items, most frequent first, for the filter menus. Read from the
 * daily rollups (one row per day, stance and value), not from items: the menus cost the same at
 * a million items as at a thousand. Days still waiting for a rollup rebuild show up a minute later.
 */
export async function filterOptions(db: Db): Promise<Record<'studio' | 'union' | 'area' | 'concern', string[]>> {
  const out = { studio: [] as string[], union: [] as string[], area: [] as string[], concern: [] as string[] };
  const rows = rowsOf<{ dim: keyof typeof out; value: string }>(
    await db.execute(sql`
      select dim, value from daily_rollups
      where dim in ('studio', 'union', 'area', 'concern')
      group by dim, value
      order by dim, sum(n) desc, value`),
  );
  for (const r of rows) if (Object.hasOwn(out, r.dim)) out[r.dim].push(r.value);
  return out;
}

/** Languages of labelled items, most frequent first (for the language menu). */
export async function itemLanguages(db: Db): Promise<string[]> {
  const rows = rowsOf<{ language: string }>(
    await db.execute(
      sql`select language from items where stance is not null and language is not null group by 1 order by count(*) desc, 1 limit 50`,
    ),
  );
  return rows.map((r) => r.language);
}

/** Labelled items per source under a set of filters, with stance counts, largest first. */
export async function sourceBreakdown(db: Db, p: { filters: ItemFilters; limit: number }) {
  const rows = await db
    .select({
      id: sources.id,
      name: sources.name,
      kind: sources.kind,
      total: count(),
      worry: sql<number>`count(*) filter (where ${items.stance} = 'worry')::int`,
      excitement: sql<number>`count(*) filter (where ${items.stance} = 'excitement')::int`,
      neutral: sql<number>`count(*) filter (where ${items.stance} = 'neutral')::int`,
    })
    .from(items)
    .innerJoin(sources, eq(items.sourceId, sources.id))
    .where(and(itemWhere(p.filters), isNotNull(items.stance)))
    .groupBy(sources.id, sources.name, sources.kind)
    .orderBy(desc(count()), asc(sources.name))
    .limit(p.limit);
  return rows.map((r) => ({
    ...r,
    total: Number(r.total),
    worry: Number(r.worry),
    excitement: Number(r.excitement),
    neutral: Number(r.neutral),
  }));
}
