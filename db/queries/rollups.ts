import { sql, type SQL } from 'drizzle-orm';
import type { SourceKind, Stance } from '../../src/labels.ts';
import { rowsOf, type Db } from '../client.ts';
import { arrayParam } from './pg-array.ts';
import { lockRollupWrites, rebuildReactionDay } from './reaction-buckets.ts';

import type { GroupDimension } from '../../src/labels.ts';
import type { DayCount } from '../../src/analytics/trends.ts';

export { GROUP_DIMENSIONS, type GroupDimension } from '../../src/labels.ts';
export type { DayCount } from '../../src/analytics/trends.ts';

export interface TrendFilters {
  /** first day, inclusive (YYYY-MM-DD, in `tz`) */
  from: string;
  /** last day, exclusive */
  to: string;
  tz: string;
  groupBy?: GroupDimension | undefined;
  studio?: string | undefined;
  union?: string | undefined;
  kind?: SourceKind | undefined;
  area?: string | undefined;
  concern?: string | undefined;
  /** undefined: relevant and irrelevant items alike */
  relevant?: boolean | undefined;
  /** full-text query (web-search syntax); rollups cannot answer it, so items are read */
  q?: string | undefined;
  /** one source's items only (items are read) */
  source?: number | undefined;
  /** ISO 639-1 language of the items (rollups have no language: answered from items) */
  lang?: string | undefined;
  /** rows per bucket instead of per day: `day` is then the bucket's start, or `from` when the range cuts it */
  bucket?: 'day' | 'week' | 'month' | undefined;
  /** whose labels are counted; default: the current model's copy on items, no corrections */
  labels?: LabelView | undefined;
}

/**
 * Whose labels a query counts: `model` names an earlier model version (read from item_labels;
 * unset means the current labels on items), and `corrections` lets the coders' consensus
 * override the model for the items they coded.
 */
export interface LabelView {
  model?: string | undefined;
  corrections: boolean;
}

/**
 * Items as a query sees them under a label view, with the columns the trend queries use (id,
 * source_id, published_at, language, tags, relevant, stance, concerns), aliased `i`.
 */
export function labelledItems(view: LabelView | undefined, only?: 'corrected'): SQL {
  if (!view?.model && !view?.corrections && !only) return sql`items i`;
  const labels = view?.model ? sql` join item_labels l on l.item_id = it.id and l.model = ${view.model}` : sql``;
  const l = view?.model ? 'l' : 'it';
  const corrected =
    only === 'corrected'
      ? sql` join item_corrections c on c.item_id = it.id`
      : view?.corrections
        ? sql` left join item_corrections c on c.item_id = it.id`
        : sql``;
  const col = (name: string) => (view?.corrections ? sql.raw(`coalesce(c.${name}, ${l}.${name})`) : sql.raw(`${l}.${name}`));
  return sql`(select it.id, it.source_id, it.published_at, it.language, it.search, it.studios, it.unions, it.areas, ${col('relevant')} as relevant, ${col('stance')} as stance, ${col('concerns')} as concerns
    from items it${labels}${corrected}) i`;
}

/** The day a row is counted on: itself, or the start of its week or month (never before `from`). */
function bucketDay(day: SQL, f: TrendFilters): SQL {
  if (!f.bucket || f.bucket === 'day') return sql`(${day})::text`;
  return sql`greatest(date_trunc(${f.bucket}, (${day})::timestamp)::date, ${f.from}::date)::text`;
}

/** Marks the UTC days of these items for a rollup rebuild (call in the transaction that changed them). */
export async function markDirtyItems(db: Db, ids: number[]): Promise<void> {
  if (!ids.length) return;
  await db.execute(sql`
    insert into rollup_dirty_days (day)
    select distinct (published_at at time zone 'UTC')::date from items where id = any(${arrayParam(ids, 'bigint')})
    on conflict (day) do update set version = rollup_dirty_days.version + 1, marked_at = now()`);
}

/** Marks every day a source has items on (its kind changed, so rollup rows must move). */
export async function markDirtySource(db: Db, sourceId: number): Promise<void> {
  await db.execute(sql`
    insert into rollup_dirty_days (day)
    select distinct (published_at at time zone 'UTC')::date from items where source_id = ${sourceId} and stance is not null
    on conflict (day) do update set version = rollup_dirty_days.version + 1, marked_at = now()`);
}

/**
 * Rebuilds the rollup rows of dirty days, oldest first, and the day's cached reaction counts. A day's mark is cleared only if no label
 * changed on it while it was being rebuilt (the version check); otherwise it stays dirty and the
 * trends query keeps reading that day from items.
 */
export async function rebuildDirtyDays(db: Db, p: { limit: number }): Promise<{ rebuilt: number; remaining: number }> {
  const dirty = rowsOf<{ day: string; version: number | string }>(
    await db.execute(sql`select day::text as day, version from rollup_dirty_days order by day limit ${p.limit}`),
  );
  for (const { day, version } of dirty) {
    await db.transaction(async (tx) => {
      await lockRollupWrites(tx);
      await tx.execute(sql`delete from daily_rollups where day = ${day}::date`);
      await tx.execute(sql`
        with day_items as (
          select s.kind::text as kind, coalesce(i.relevant, false) as relevant, i.stance, i.studios, i.unions, i.areas, i.concerns,
                 i.source_id, i.language
          from items i join sources s on s.id = i.source_id
          where i.stance is not null
            and i.published_at >= (${day}::date)::timestamp at time zone 'UTC'
            and i.published_at < (${day}::date + 1)::timestamp at time zone 'UTC'
        )
        insert into daily_rollups (day, source_kind, relevant, stance, dim, value, n)
        select ${day}::date, kind, relevant, stance, dim, value, count(*)::int
        from (
          select kind, relevant, stance, 'all' as dim, '' as value from day_items
          union all select kind, relevant, stance, 'studio', v from day_items, unnest(studios) v
          union all select kind, relevant, stance, 'union', v from day_items, unnest(unions) v
          union all select kind, relevant, stance, 'area', v from day_items, unnest(areas) v
          union all select kind, relevant, stance, 'concern', v from day_items, unnest(concerns) v
          union all select kind, relevant, stance, 'source', source_id::text from day_items
          union all select kind, relevant, stance, 'lang', coalesce(language, '') from day_items
        ) x
        group by kind, relevant, stance, dim, value`);
      await rebuildReactionDay(tx, day);
      await tx.execute(sql`delete from rollup_dirty_days where day = ${day}::date and version = ${Number(version)}`);
    });
  }
  if (dirty.length) await refreshRollupValues(db);
  const [left] = rowsOf<{ n: number | string }>(await db.execute(sql`select count(*)::int as n from rollup_dirty_days`));
  return { rebuilt: dirty.length, remaining: Number(left?.n ?? 0) };
}

/**
 * Recounts the all-days totals the filter menus read (rollup_values) from the daily rollups, in
 * one transaction: a group over every day's rows (about 0.1 s at 10M items), once per rebuild
 * that changed something, so the menus never group them on a page load.
 */
export async function refreshRollupValues(db: Db): Promise<void> {
  await db.transaction(async (tx) => {
    await lockRollupWrites(tx);
    await tx.execute(sql`delete from rollup_values`);
    await tx.execute(sql`
      insert into rollup_values (dim, value, n)
      select dim, value, sum(n) from daily_rollups where dim <> 'all' group by dim, value`);
  });
}

/** Marks every rolled-up day for a rebuild and recounts the all-days totals (after a restore). */
export async function rederiveRollups(db: Db): Promise<void> {
  await db.execute(sql`insert into rollup_dirty_days (day) select distinct day from daily_rollups on conflict (day) do nothing`);
  await refreshRollupValues(db);
}

const TAG_COLUMN = { studio: 'studios', union: 'unions', area: 'areas', concern: 'concerns' } as const;
type TagDimension = keyof typeof TAG_COLUMN;

/** The tag dimensions a query involves (filters and grouping); rollups serve at most one. */
function tagDimensions(f: TrendFilters): TagDimension[] {
  const dims = new Set<TagDimension>();
  for (const d of ['studio', 'union', 'area', 'concern'] as const) if (f[d]) dims.add(d);
  if (f.groupBy && f.groupBy !== 'kind') dims.add(f.groupBy);
  return [...dims];
}

/** Filters and grouping over items joined to their source. */
function itemParts(f: TrendFilters) {
  const where: SQL[] = [];
  if (f.relevant !== undefined) where.push(sql`coalesce(i.relevant, false) = ${f.relevant}`);
  if (f.kind) where.push(sql`s.kind = ${f.kind}`);
  if (f.q) where.push(sql`i.search @@ websearch_to_tsquery('english', ${f.q})`);
  if (f.source !== undefined) where.push(sql`i.source_id = ${f.source}`);
  if (f.lang) where.push(sql`i.language = ${f.lang}`);
  for (const d of ['studio', 'union', 'area', 'concern'] as const) {
    const v = f[d];
    if (v) where.push(sql`${v} = any(${sql.raw(`i.${TAG_COLUMN[d]}`)})`);
  }
  let join = sql``;
  let group = sql`null::text`;
  if (f.groupBy === 'kind') group = sql`s.kind::text`;
  else if (f.groupBy) {
    join = sql` cross join lateral unnest(${sql.raw(`i.${TAG_COLUMN[f.groupBy]}`)}) as g(v)`;
    group = sql`g.v`;
  }
  return { where, join, group };
}

/** Filters and grouping over the rollup rows of the one tag dimension involved (or 'all'). */
function rollupParts(f: TrendFilters, dim: TagDimension | undefined) {
  const where: SQL[] = [sql`r.dim = ${dim ?? 'all'}`];
  if (f.relevant !== undefined) where.push(sql`r.relevant = ${f.relevant}`);
  if (f.kind) where.push(sql`r.source_kind = ${f.kind}`);
  if (dim && f[dim]) where.push(sql`r.value = ${f[dim]}`);
  const group = f.groupBy === 'kind' ? sql`r.source_kind` : f.groupBy ? sql`r.value` : sql`null::text`;
  return { where, group };
}

const and = (list: SQL[]) => (list.length ? sql` and ${sql.join(list, sql` and `)}` : sql``);

/**
 * Labelled items per day (in `tz`), group and stance. `rollup` reads the daily rollups for UTC
 * days that are not dirty and items for the dirty ones, whenever the query is in UTC and involves
 * at most one tag dimension; otherwise, and in `direct` mode, it reads items. Both give the same
 * answer; the rollups are what keeps it fast at millions of items.
 */
export async function dayCounts(db: Db, f: TrendFilters, mode: 'rollup' | 'direct'): Promise<DayCount[]> {
  const out: DayCount[] = [];
  const push = (rows: unknown) => {
    for (const r of rowsOf<{ day: string; grp: string | null; stance: Stance; n: number | string }>(rows))
      out.push({ day: r.day, group: r.grp, stance: r.stance, n: Number(r.n) });
  };
  const dims = tagDimensions(f);
  // rollups hold no text, source or language: such queries read items. Corrections on the
  // current labels: rollups (or items) for the model, adjusted item by item for the coded ones.
  // An earlier version's labels are read from item_labels.
  const itemOnly = !!f.q || f.source !== undefined || !!f.lang;
  const corrected = !f.labels?.model && !!f.labels?.corrections;
  const useRollups = mode === 'rollup' && f.tz === 'UTC' && dims.length <= 1 && !itemOnly && !f.labels?.model;
  // One snapshot for both reads, so a day turning dirty in between is counted exactly once.
  await db.transaction(
    async (tx) => {
      const i = itemParts(f);
      const start = sql`(${f.from}::date)::timestamp at time zone ${f.tz}`;
      const end = sql`(${f.to}::date)::timestamp at time zone ${f.tz}`;
      if (useRollups) {
        const r = rollupParts(f, dims[0]);
        push(
          await tx.execute(sql`
        select ${bucketDay(sql`r.day`, f)} as day, ${r.group} as grp, r.stance, sum(r.n)::int as n
        from daily_rollups r
        where r.day >= ${f.from}::date and r.day < ${f.to}::date
          and not exists (select 1 from rollup_dirty_days d where d.day = r.day)${and(r.where)}
        group by 1, 2, 3`),
        );
      }
      let itemDays: SQL[] = [];
      if (useRollups) {
        // only the dirty days in range are read from items; with none, items are not touched at all
        const dirty = rowsOf<{ day: string }>(
          await tx.execute(
            sql`select day::text as day from rollup_dirty_days where day >= ${f.from}::date and day < ${f.to}::date order by day`,
          ),
        ).map((r) => r.day);
        if (!dirty.length && !corrected) return;
        if (dirty.length)
          itemDays = [
            sql`i.published_at >= (${dirty[0]}::date)::timestamp at time zone 'UTC'`,
            sql`i.published_at < (${dirty.at(-1)}::date + 1)::timestamp at time zone 'UTC'`,
            sql`(i.published_at at time zone 'UTC')::date = any(${arrayParam(dirty, 'date')})`,
          ];
      }
      const direct = (from: SQL, sign: string, days: SQL[] = itemDays) =>
        tx.execute(sql`
      select ${bucketDay(sql`(i.published_at at time zone ${f.tz})::date`, f)} as day, ${i.group} as grp, i.stance, (${sql.raw(sign)}count(*))::int as n
      from ${from} join sources s on s.id = i.source_id${i.join}
      where i.stance is not null and i.published_at >= ${start} and i.published_at < ${end}${and([...i.where, ...days])}
      group by 1, 2, 3`);
      if (!corrected) {
        push(await direct(labelledItems(f.labels), ''));
        return;
      }
      // the model's counts, then for the few coded items: take their model label out, put the consensus in
      if (itemDays.length || !useRollups) push(await direct(labelledItems({ corrections: false }), ''));
      push(await direct(labelledItems({ corrections: false }, 'corrected'), '-', []));
      push(await direct(labelledItems({ corrections: true }, 'corrected'), '', []));
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
  return out;
}
