import { STANCES, type Stance } from '../labels.ts';
import { bucketStart, bucketStarts, nextBucket, type Granularity } from './buckets.ts';
import { wilson, type Interval } from './stats.ts';

/** Labelled items of one day (in the query's zone), per group when grouped, per stance. */
export interface DayCount {
  day: string;
  group: string | null;
  stance: Stance;
  n: number;
}

/** Buckets with fewer labelled items than this are flagged `lowN`: shares from them are noise. */
export const TREND_MIN_N = 30;

export interface TrendBucket {
  /** the bucket's first calendar day */
  start: string;
  /** the first day after the bucket */
  end: string;
  total: number;
  counts: Record<Stance, number>;
  /** null when the bucket has no items: an empty bucket has no share, not a share of 0 */
  shares: Record<Stance, Interval | null>;
  /** (excitement − worry) / total; null for an empty bucket */
  net: number | null;
  lowN: boolean;
  /** the requested range or the present cuts this bucket: it holds fewer days than its length */
  partial: boolean;
}

export interface TrendSeries {
  group: string | null;
  buckets: TrendBucket[];
}

/** Per concern bucket: how many items raise it, as a share of relevant items and of worry items. */
export interface ConcernFigures {
  count: number;
  relevantTotal: number;
  worryTotal: number;
  ofRelevant: Interval | null;
  ofWorry: Interval | null;
}

const round = (v: number) => Math.round(v * 10_000) / 10_000;

/** A share with its 95% Wilson interval, rounded; null when there is nothing to divide by. */
export function shareOf(count: number, total: number): Interval | null {
  if (total <= 0) return null;
  const w = wilson(count, total);
  return { value: round(w.value), low: round(w.low), high: round(w.high) };
}

/** One bucket's figures from its stance counts. `partial` says the range or the present cut it. */
export function bucketFigures(
  start: string,
  counts: Record<Stance, number>,
  minN = TREND_MIN_N,
  end = start,
  partial = false,
): TrendBucket {
  const total = counts.excitement + counts.worry + counts.neutral;
  const shares = {} as Record<Stance, Interval | null>;
  for (const s of STANCES) shares[s] = shareOf(counts[s], total);
  return {
    start,
    end,
    total,
    counts: { ...counts },
    shares,
    net: total ? round((counts.excitement - counts.worry) / total) : null,
    lowN: total < minN,
    partial,
  };
}

/**
 * Turns per-day counts into series of buckets: every bucket between from and to is present
 * (empty ones with zero counts and null shares), one series per group (largest first), or one
 * series with group null. A bucket is partial when it starts before `from`, ends after `to`, or
 * reaches past `asOf` (the first day not yet complete, usually today).
 */
export function buildSeries(
  rows: DayCount[],
  p: { from: string; to: string; granularity: Granularity; grouped: boolean; minN?: number; asOf?: string },
): TrendSeries[] {
  const starts = bucketStarts(p.from, p.to, p.granularity);
  const byGroup = new Map<string | null, Map<string, Record<Stance, number>>>();
  if (!p.grouped) byGroup.set(null, new Map());
  for (const r of rows) {
    if (r.day < p.from || r.day >= p.to) continue;
    const g = p.grouped ? r.group : null;
    if (p.grouped && g === null) continue;
    let buckets = byGroup.get(g);
    if (!buckets) byGroup.set(g, (buckets = new Map()));
    const b = bucketStart(r.day, p.granularity);
    let counts = buckets.get(b);
    if (!counts) buckets.set(b, (counts = { excitement: 0, worry: 0, neutral: 0 }));
    counts[r.stance] += r.n;
  }
  const totals = new Map([...byGroup].map(([g, m]) => [g, [...m.values()].reduce((s, c) => s + c.excitement + c.worry + c.neutral, 0)]));
  return [...byGroup.keys()]
    .sort((a, b) => totals.get(b)! - totals.get(a)! || String(a).localeCompare(String(b)))
    .map((group) => ({
      group,
      buckets: starts.map((start) => {
        const end = nextBucket(start, p.granularity);
        const partial = start < p.from || end > p.to || (p.asOf !== undefined && end > p.asOf);
        return bucketFigures(start, byGroup.get(group)!.get(start) ?? { excitement: 0, worry: 0, neutral: 0 }, p.minN, end, partial);
      }),
    }));
}

const intervalCells = (sh: Interval | null | undefined): (number | string)[] => (sh ? [sh.value, sh.low, sh.high] : ['', '', '']);

/** CSV: one row per (group, bucket) with counts, shares and bounds; empty cells where there is no share. */
export function trendsCsv(
  series: {
    group: string | null;
    buckets: (TrendBucket & {
      concern?: ConcernFigures;
      adjusted?: { shares: Record<Stance, Interval | null>; relevant: Interval | null } | null;
    })[];
  }[],
): string {
  const withConcern = series.some((s) => s.buckets.some((b) => b.concern));
  const withAdjusted = series.some((s) => s.buckets.some((b) => b.adjusted !== undefined));
  const header = [
    'group',
    'bucket_start',
    'bucket_end',
    'total',
    ...STANCES.map((s) => `${s}_count`),
    ...STANCES.flatMap((s) => [`${s}_share`, `${s}_low`, `${s}_high`]),
    'net',
    'low_n',
    'partial',
  ];
  if (withConcern)
    header.push(
      'relevant_total',
      'worry_total',
      'share_of_relevant',
      'share_of_relevant_low',
      'share_of_relevant_high',
      'share_of_worry',
      'share_of_worry_low',
      'share_of_worry_high',
    );
  if (withAdjusted)
    header.push(
      ...STANCES.flatMap((s) => [`adjusted_${s}_share`, `adjusted_${s}_low`, `adjusted_${s}_high`]),
      'adjusted_relevant',
      'adjusted_relevant_low',
      'adjusted_relevant_high',
    );
  const lines = [header.join(',')];
  for (const s of series) {
    for (const b of s.buckets) {
      lines.push(
        [
          csvCell(s.group ?? ''),
          b.start,
          b.end,
          b.total,
          ...STANCES.map((st) => b.counts[st]),
          // an empty bucket has empty share cells, not zeros
          ...STANCES.flatMap((st) => intervalCells(b.shares[st])),
          b.net ?? '',
          b.lowN,
          b.partial,
          ...(withConcern
            ? [
                b.concern?.relevantTotal ?? '',
                b.concern?.worryTotal ?? '',
                ...intervalCells(b.concern?.ofRelevant),
                ...intervalCells(b.concern?.ofWorry),
              ]
            : []),
          ...(withAdjusted
            ? [...STANCES.flatMap((st) => intervalCells(b.adjusted?.shares[st])), ...intervalCells(b.adjusted?.relevant)]
            : []),
        ].join(','),
      );
    }
  }
  return lines.join('\n') + '\n';
}

/** A CSV field, quoted when needed; a leading = + - @ is neutralised so spreadsheets do not run it. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
