import { dayCounts } from '../../db/queries/rollups.ts';
import { addDays, dayInZone, parseDay, type Granularity } from '../analytics/buckets.ts';
import { buildSeries, TREND_MIN_N, trendsCsv, type TrendSeries } from '../analytics/trends.ts';
import type { GroupDimension, SourceKind } from '../labels.ts';
import type { DbClockDeps } from './deps.ts';
import { invalid } from './errors.ts';

/** The longest range one trends request may cover. */
export const MAX_TREND_DAYS = 3660;
export const DEFAULT_SPAN_DAYS = { day: 30, week: 84, month: 365 } as const;

export interface TrendQuery {
  from?: string | undefined;
  to?: string | undefined;
  granularity: Granularity;
  group_by?: GroupDimension | undefined;
  studio?: string | undefined;
  union?: string | undefined;
  kind?: SourceKind | undefined;
  area?: string | undefined;
  concern?: string | undefined;
  relevant: 'true' | 'false' | 'all';
  tz: string;
}

export interface TrendAnswer {
  granularity: Granularity;
  from: string;
  to: string;
  tz: string;
  minN: number;
  series: TrendSeries[];
}

/** The range a trends request covers: [from, to) in its zone, checked. */
export function trendRange(q: Pick<TrendQuery, 'from' | 'to' | 'granularity' | 'tz'>, now: Date): { from: string; to: string } {
  const to = q.to ?? addDays(dayInZone(now, q.tz), 1);
  const from = q.from ?? addDays(to, -DEFAULT_SPAN_DAYS[q.granularity]);
  if (from >= to) throw invalid('to', 'must be after from');
  if ((parseDay(to) - parseDay(from)) / 86_400_000 > MAX_TREND_DAYS) throw invalid('from', `a range may cover at most ${MAX_TREND_DAYS} days`);
  return { from, to };
}

/** Stance over time with counts, shares, 95% Wilson intervals, net score and low-N flags. */
export async function getTrends(deps: DbClockDeps, q: TrendQuery): Promise<TrendAnswer> {
  const { from, to } = trendRange(q, deps.clock.now());
  const relevant = q.relevant === 'all' ? undefined : q.relevant === 'true';
  const rows = await dayCounts(deps.db, { from, to, tz: q.tz, groupBy: q.group_by, studio: q.studio, union: q.union, kind: q.kind, area: q.area, concern: q.concern, relevant }, 'rollup');
  const series = buildSeries(rows, { from, to, granularity: q.granularity, grouped: !!q.group_by });
  return { granularity: q.granularity, from, to, tz: q.tz, minN: TREND_MIN_N, series };
}

/** The same answer as CSV, one row per bucket and group. */
export function trendsAsCsv(answer: TrendAnswer): string {
  return trendsCsv(answer.series);
}
