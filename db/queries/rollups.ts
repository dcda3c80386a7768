import { sql, type SQL } from 'drizzle-orm';
import type { SourceKind, Stance } from '../../src/labels.ts';
import { rowsOf, type Db } from '../client.ts';
import { arrayParam } from './pg-array.ts';

export const GROUP_DIMENSIONS = ['studio', 'union', 'kind', 'concern', 'area'] as const;
export type GroupDimension = (typeof GROUP_DIMENSIONS)[number];

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
}

export interface DayCount {
  day: string;
  group: string | null;
  stance: Stance;
  n: number;
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
 * Rebuilds the rollup rows of dirty days, oldest first. A day's mark is cleared only if no label
 * changed on it while it was being rebuilt (the version check); otherwise it stays dirty and the
 * trends query keeps reading that day from items.
 */
export async function rebuildDirtyDays(db: Db, p: { limit: number }): Promise<{ rebuilt: number; remaining: number }> {
  const dirty = rowsOf<{ day: string; version: number | string }>(
    await db.execute(sql`select day::text as day, version from rollup_dirty_days order by day limit ${p.limit}`),
  );
  for (const { day, version } of dirty) {
    await db.transaction(async (tx) => {
      await tx.execute(sql`delete from daily_rollups where day = ${day}::date`);
      await tx.execute(sql`
        insert into daily_rollups (day, source_kind, relevant, stance, studios, unions, areas, concerns, n)
        select ${day}::date, s.kind::text, coalesce(i.relevant, false), i.stance,
               i.studios, i.unions, i.areas, i.concerns, count(*)::int
        from items i join sources s on s.id = i.source_id
        where i.stance is not null
          and i.published_at >= (${day}::date)::timestamp at time zone 'UTC'
          and i.published_at < (${day}::date + 1)::timestamp at time zone 'UTC'
        group by 2, 3, 4, 5, 6, 7, 8`);
      await tx.execute(sql`delete from rollup_dirty_days where day = ${day}::date and version = ${Number(version)}`);
    });
  }
  const [left] = rowsOf<{ n: number | string }>(await db.execute(sql`select count(*)::int as n from rollup_dirty_days`));
  return { rebuilt: dirty.length, remaining: Number(left?.n ?? 0) };
}

/** Filter and grouping SQL shared by both paths; `t` is the rollup row or the item joined to its source. */
function parts(f: TrendFilters, source: 'rollup' | 'items') {
  const col = (name: 'studios' | 'unions' | 'areas' | 'concerns') => sql.raw(source === 'rollup' ? `r.${name}` : `i.${name}`);
  const kindCol = sql.raw(source === 'rollup' ? 'r.source_kind' : 's.kind::text');
  const relevantCol = sql.raw(source === 'rollup' ? 'r.relevant' : 'coalesce(i.relevant, false)');
  const where: SQL[] = [];
  if (f.relevant !== undefined) where.push(sql`${relevantCol} = ${f.relevant}`);
  if (f.kind) where.push(sql`${kindCol} = ${f.kind}`);
  if (f.studio) where.push(sql`${f.studio} = any(${col('studios')})`);
  if (f.union) where.push(sql`${f.union} = any(${col('unions')})`);
  if (f.area) where.push(sql`${f.area} = any(${col('areas')})`);
  if (f.concern) where.push(sql`${f.concern} = any(${col('concerns')})`);
  const arrayFor: Record<GroupDimension, SQL | undefined> = {
    studio: col('studios'),
    union: col('unions'),
    area: col('areas'),
    concern: col('concerns'),
    kind: undefined,
  };
  let join = sql``;
  let group = sql`null::text`;
  if (f.groupBy === 'kind') group = kindCol;
  else if (f.groupBy) {
    join = sql` cross join lateral unnest(${arrayFor[f.groupBy]}) as g(v)`;
    group = sql`g.v`;
  }
  return { where, join, group };
}

const and = (list: SQL[]) => (list.length ? sql` and ${sql.join(list, sql` and `)}` : sql``);

/**
 * Labelled items per day (in `tz`), group and stance. `rollup` reads the daily rollups for UTC
 * days that are not dirty and items for the dirty ones; `direct` reads items only. Both give the
 * same answer; the rollups are what keeps it fast at millions of items.
 */
export async function dayCounts(db: Db, f: TrendFilters, mode: 'rollup' | 'direct'): Promise<DayCount[]> {
  const out: DayCount[] = [];
  const push = (rows: unknown) => {
    for (const r of rowsOf<{ day: string; grp: string | null; stance: Stance; n: number | string }>(rows)) out.push({ day: r.day, group: r.grp, stance: r.stance, n: Number(r.n) });
  };
  const useRollups = mode === 'rollup' && f.tz === 'UTC';
  // One snapshot for both reads, so a day turning dirty in between is counted exactly once.
  await db.transaction(async (tx) => {
  const i = parts(f, 'items');
  const start = sql`(${f.from}::date)::timestamp at time zone ${f.tz}`;
  const end = sql`(${f.to}::date)::timestamp at time zone ${f.tz}`;
  if (useRollups) {
    const r = parts(f, 'rollup');
    push(
      await tx.execute(sql`
        select r.day::text as day, ${r.group} as grp, r.stance, sum(r.n)::int as n
        from daily_rollups r${r.join}
        where r.day >= ${f.from}::date and r.day < ${f.to}::date
          and not exists (select 1 from rollup_dirty_days d where d.day = r.day)${and(r.where)}
        group by 1, 2, 3`),
    );
  }
  const onlyDirty = useRollups ? [sql`(i.published_at at time zone 'UTC')::date in (select day from rollup_dirty_days)`] : [];
  push(
    await tx.execute(sql`
      select ((i.published_at at time zone ${f.tz})::date)::text as day, ${i.group} as grp, i.stance, count(*)::int as n
      from items i join sources s on s.id = i.source_id${i.join}
      where i.stance is not null and i.published_at >= ${start} and i.published_at < ${end}${and([...i.where, ...onlyDirty])}
      group by 1, 2, 3`),
  );
  }, { isolationLevel: 'repeatable read', accessMode: 'read only' });
  return out;
}
