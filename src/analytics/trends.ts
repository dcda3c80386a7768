import { STANCES, type Stance } from '../labels.ts';
import { bucketStart, bucketStarts, type Granularity } from './buckets.ts';
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
  start: string;
  total: number;
  counts: Record<Stance, number>;
  shares: Record<Stance, Interval>;
  /** (excitement − worry) / total; 0 for an empty bucket */
  net: number;
  lowN: boolean;
}

export interface TrendSeries {
  group: string | null;
  buckets: TrendBucket[];
}

const round = (v: number) => Math.round(v * 10_000) / 10_000;

/** One bucket's figures from its stance counts. */
export function bucketFigures(start: string, counts: Record<Stance, number>, minN = TREND_MIN_N): TrendBucket {
  const total = counts.excitement + counts.worry + counts.neutral;
  const shares = {} as Record<Stance, Interval>;
  for (const s of STANCES) {
    const w = wilson(counts[s], total);
    shares[s] = { value: round(w.value), low: round(w.low), high: round(w.high) };
  }
  return { start, total, counts: { ...counts }, shares, net: total ? round((counts.excitement - counts.worry) / total) : 0, lowN: total < minN };
}

/**
 * Turns per-day counts into series of buckets: every bucket between from and to is present
 * (empty ones as zeros), one series per group (largest first), or one series with group null.
 */
export function buildSeries(rows: DayCount[], p: { from: string; to: string; granularity: Granularity; grouped: boolean; minN?: number }): TrendSeries[] {
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
      buckets: starts.map((start) => bucketFigures(start, byGroup.get(group)!.get(start) ?? { excitement: 0, worry: 0, neutral: 0 }, p.minN)),
    }));
}

/** CSV: one row per (group, bucket) with counts, shares and bounds. */
export function trendsCsv(series: TrendSeries[]): string {
  const header = ['group', 'bucket_start', 'total', ...STANCES.map((s) => `${s}_count`), ...STANCES.flatMap((s) => [`${s}_share`, `${s}_low`, `${s}_high`]), 'net', 'low_n'];
  const lines = [header.join(',')];
  for (const s of series) {
    for (const b of s.buckets) {
      lines.push(
        [
          csvCell(s.group ?? ''),
          b.start,
          b.total,
          ...STANCES.map((st) => b.counts[st]),
          ...STANCES.flatMap((st) => [b.shares[st].value, b.shares[st].low, b.shares[st].high]),
          b.net,
          b.lowN,
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
