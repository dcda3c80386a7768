import { and, asc, count, desc, eq, isNotNull, sql } from 'drizzle-orm';
import type { SourceKind, Stance } from '../../src/labels.ts';
import { rowsOf, type Db } from '../client.ts';
import { items, sources } from '../schema/index.ts';
import { itemWhere, type ItemFilters } from './items.ts';
import { arrayParam } from './pg-array.ts';

/** The newest publication time among labelled relevant items, so the dashboard opens on the data. */
export async function latestLabelledAt(db: Db): Promise<Date | undefined> {
  const [row] = rowsOf<{ at: string | Date | null }>(
    await db.execute(sql`select max(published_at) as at from items where stance is not null and relevant is true`),
  );
  return row?.at ? new Date(row.at) : undefined;
}

/**
 * Tag values seen in labelled items, most frequent first, for the filter menus. Read from the
 * rollups' all-days totals (rollup_values, a row per value), not from items or every day's
 * rollups: the menus cost the same at ten million items as at a thousand. Days still waiting for
 * a rollup rebuild show up a minute later.
 */
export async function filterOptions(db: Db): Promise<Record<'studio' | 'union' | 'area' | 'concern', string[]>> {
  const out = { studio: [] as string[], union: [] as string[], area: [] as string[], concern: [] as string[] };
  const rows = rowsOf<{ dim: keyof typeof out; value: string }>(
    await db.execute(sql`
      select dim, value from rollup_values
      where dim in ('studio', 'union', 'area', 'concern') and n > 0
      order by dim, n desc, value`),
  );
  for (const r of rows) if (Object.hasOwn(out, r.dim)) out[r.dim].push(r.value);
  return out;
}

/** Languages of labelled items, most frequent first (for the language menu), as the other menus. */
export async function itemLanguages(db: Db): Promise<string[]> {
  const rows = rowsOf<{ language: string }>(
    await db.execute(
      sql`select value as language from rollup_values where dim = 'lang' and value <> '' and n > 0 order by n desc, 1 limit 50`,
    ),
  );
  return rows.map((r) => r.language);
}

export interface SourceCount {
  id: number;
  name: string;
  kind: SourceKind;
  total: number;
  worry: number;
  excitement: number;
  neutral: number;
}

/** Filters the rollups' 'source' rows can answer: relevance (true or any), kind and whole UTC days. */
function rollupSourceFilters(
  f: ItemFilters,
): { from: string; to: string; relevant: boolean | undefined; kind: SourceKind | undefined } | null {
  const { relevant, labelled, from, to, kind, labels, ...rest } = f;
  if (Object.values(rest).some((v) => v !== undefined)) return null;
  if (labels?.model || labels?.corrections || labelled === false || relevant === false) return null;
  const midnight = (d: Date | undefined) => !!d && d.getTime() % 86_400_000 === 0;
  if (!midnight(from) || !midnight(to)) return null;
  return { from: from!.toISOString().slice(0, 10), to: to!.toISOString().slice(0, 10), relevant, kind };
}

/**
 * Labelled items per source under a set of filters, with stance counts, largest first. Filters
 * the daily rollups can answer (relevance, source kind, whole UTC days) are read from their
 * 'source' rows, with dirty days from items in the same snapshot; any other filter reads items.
 * Both give the same answer (`mode` 'direct' forces items, for the tests that say so).
 */
export async function sourceBreakdown(db: Db, p: { filters: ItemFilters; limit: number }, mode: 'rollup' | 'direct' = 'rollup') {
  const r = mode === 'rollup' ? rollupSourceFilters(p.filters) : null;
  if (!r) return sourceBreakdownFromItems(db, p);
  const cells = await db.transaction(
    async (tx) => {
      const where = and(
        r.relevant === undefined ? undefined : sql`r.relevant = ${r.relevant}`,
        r.kind ? sql`r.source_kind = ${r.kind}` : undefined,
      );
      const fromRollups = rowsOf<{ id: string; stance: Stance; n: number | string }>(
        await tx.execute(sql`
          select r.value as id, r.stance, sum(r.n)::int as n from daily_rollups r
          where r.dim = 'source' and r.day >= ${r.from}::date and r.day < ${r.to}::date
            and not exists (select 1 from rollup_dirty_days d where d.day = r.day)${where ? sql` and ${where}` : sql``}
          group by 1, 2`),
      );
      const dirty = rowsOf<{ day: string }>(
        await tx.execute(sql`select day::text as day from rollup_dirty_days where day >= ${r.from}::date and day < ${r.to}::date`),
      ).map((d) => d.day);
      const fromItems = dirty.length
        ? rowsOf<{ id: string; stance: Stance; n: number | string }>(
            await tx.execute(sql`
              select i.source_id::text as id, i.stance, count(*)::int as n
              from items i join sources s on s.id = i.source_id
              where i.stance is not null
                and i.published_at >= ${r.from}::date::timestamp at time zone 'UTC' and i.published_at < ${r.to}::date::timestamp at time zone 'UTC'
                and (i.published_at at time zone 'UTC')::date = any(${arrayParam(dirty, 'date')})
                ${r.relevant === undefined ? sql`` : sql`and i.relevant = ${r.relevant}`}
                ${r.kind ? sql`and s.kind = ${r.kind}` : sql``}
              group by 1, 2`),
          )
        : [];
      return [...fromRollups, ...fromItems];
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
  const bySource = new Map<number, Record<Stance, number>>();
  for (const c of cells) {
    const id = Number(c.id);
    let counts = bySource.get(id);
    if (!counts) bySource.set(id, (counts = { excitement: 0, worry: 0, neutral: 0 }));
    counts[c.stance] += Number(c.n);
  }
  if (!bySource.size) return [];
  // named and ordered by the database, so ties fall in the same (collation) order as from items
  const ids = [...bySource.keys()];
  const col = (stance: Stance) =>
    arrayParam(
      ids.map((id) => bySource.get(id)![stance]),
      'int',
    );
  const rows = rowsOf<SourceCount>(
    await db.execute(sql`
      select s.id, s.name, s.kind, (c.worry + c.excitement + c.neutral)::int as total, c.worry, c.excitement, c.neutral
      from unnest(${arrayParam(ids, 'int')}, ${col('worry')}, ${col('excitement')}, ${col('neutral')}) as c(id, worry, excitement, neutral)
      join sources s on s.id = c.id
      order by total desc, s.name asc
      limit ${p.limit}`),
  );
  return rows.map((r) => ({
    id: Number(r.id),
    name: r.name,
    kind: r.kind,
    total: Number(r.total),
    worry: Number(r.worry),
    excitement: Number(r.excitement),
    neutral: Number(r.neutral),
  }));
}

async function sourceBreakdownFromItems(db: Db, p: { filters: ItemFilters; limit: number }): Promise<SourceCount[]> {
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
