import { SOURCE_KINDS, STANCES, type SourceKind, type Stance } from '../labels.ts';
import { addDays, formatDay, parseDay, zonedInstant } from './buckets.ts';
import { netScoreTest, poissonTest, twoProportionTest, wilson, type Interval, type TestResult } from './stats.ts';

/** A relevant, labelled item inside an event-study window. */
export interface ReactionItem {
  id: number;
  title: string;
  url: string;
  publishedAt: Date;
  stance: Stance;
  confidence: number;
  kind: SourceKind;
  sourceName: string;
  quote: string | null;
}

/** Fewer labelled items than this on either side, and the comparison says it cannot conclude. */
export const REACTION_MIN_N = 30;
const TOP = 5;

const r4 = (v: number) => Math.round(v * 10_000) / 10_000;
const rounded = (t: TestResult | null) => (t ? { diff: r4(t.diff), z: r4(t.z), p: r4(t.p) } : null);

export interface Side {
  total: number;
  counts: Record<Stance, number>;
  shares: Record<Stance, Interval>;
  net: number;
  /** items per day */
  rate: number;
}

/**
 * Labelled items counted per UTC day, side of the moment, source kind and stance: what the event
 * study's figures are made of, whether counted from items or read from cached aggregates.
 */
export interface ReactionCell {
  day: string;
  side: 'before' | 'after';
  kind: SourceKind;
  stance: Stance;
  n: number;
}

/** The cells of a list of items (each item one count). */
export function cellsOf(items: ReactionItem[], moment: Date): ReactionCell[] {
  const t = moment.getTime();
  const cells = new Map<string, ReactionCell>();
  for (const i of items) {
    const day = formatDay(i.publishedAt.getTime());
    const side = i.publishedAt.getTime() < t ? 'before' : 'after';
    const key = `${day}|${side}|${i.kind}|${i.stance}`;
    const c = cells.get(key);
    if (c) c.n++;
    else cells.set(key, { day, side, kind: i.kind, stance: i.stance, n: 1 });
  }
  return [...cells.values()];
}

const emptyCounts = () => ({ excitement: 0, worry: 0, neutral: 0 }) as Record<Stance, number>;

function side(cells: ReactionCell[], days: number): Side {
  const counts = emptyCounts();
  for (const c of cells) counts[c.stance] += c.n;
  const total = counts.excitement + counts.worry + counts.neutral;
  const shares = {} as Record<Stance, Interval>;
  for (const s of STANCES) {
    const w = wilson(counts[s], total);
    shares[s] = { value: r4(w.value), low: r4(w.low), high: r4(w.high) };
  }
  return { total, counts, shares, net: total ? r4((counts.excitement - counts.worry) / total) : 0, rate: r4(total / days) };
}

function compare(before: ReactionCell[], after: ReactionCell[], days: number) {
  const b = side(before, days);
  const a = side(after, days);
  const volume = poissonTest(a.total, b.total);
  const enough = b.total >= REACTION_MIN_N && a.total >= REACTION_MIN_N;
  return {
    before: b,
    after: a,
    worryShare: rounded(twoProportionTest(b.counts.worry, b.total, a.counts.worry, a.total)),
    net: rounded(netScoreTest({ ...b.counts, total: b.total }, { ...a.counts, total: a.total })),
    volume: {
      before: b.total,
      after: a.total,
      ratio: volume.ratio === null ? null : r4(volume.ratio),
      /** two-sided exact Poisson test of the after count against the before count as baseline */
      p: r4(volume.pTwoSided),
    },
    enoughData: enough,
    note: enough
      ? null
      : `Too few items to conclude: ${b.total} before and ${a.total} after; at least ${REACTION_MIN_N} on each side are needed before the tests mean much.`,
  };
}

/** The order the most telling items are picked in: most confident first, then the older id. */
export const byConfidence = (a: { confidence: number; id: number }, b: { confidence: number; id: number }) =>
  b.confidence - a.confidence || a.id - b.id;

/** Items shown per side and stance (worry and excitement) as the most telling. */
export const REACTION_TOP = TOP;

export interface ReactionInput {
  moment: Date;
  windowDays: number;
  now: Date;
  /** the counts inside the two windows */
  cells: ReactionCell[];
  /** items the most telling are picked from: at least the REACTION_TOP most confident per side and stance */
  candidates: ReactionItem[];
}

/**
 * The event study: the window before the announcement against the window after, overall and
 * by source kind, with the daily series and the most confident items on each side.
 */
export function buildReaction(p: ReactionInput) {
  const t = p.moment.getTime();
  const before = p.cells.filter((c) => c.side === 'before');
  const after = p.cells.filter((c) => c.side === 'after');
  const overall = compare(before, after, p.windowDays);

  const byKind: Record<string, ReturnType<typeof compare>> = {};
  for (const k of SOURCE_KINDS) {
    const b = before.filter((c) => c.kind === k);
    const a = after.filter((c) => c.kind === k);
    if (b.length || a.length) byKind[k] = compare(b, a, p.windowDays);
  }

  // Every UTC day the two windows touch, empty ones included. The announcement's own day is split
  // at the moment into a "before" row and an "after" row, so the series sums exactly to the totals.
  const startDay = formatDay(t - p.windowDays * 86_400_000);
  const momentDay = formatDay(t);
  const lastDay = formatDay(t + p.windowDays * 86_400_000 - 1);
  const byDay = new Map<string, { before: Record<Stance, number>; after: Record<Stance, number> }>();
  for (const c of p.cells) {
    let d = byDay.get(c.day);
    if (!d) byDay.set(c.day, (d = { before: emptyCounts(), after: emptyCounts() }));
    d[c.side][c.stance] += c.n;
  }
  const daily: { day: string; side: 'before' | 'after'; counts: Record<Stance, number>; total: number }[] = [];
  const row = (day: string, side: 'before' | 'after') => {
    const counts = byDay.get(day)?.[side] ?? emptyCounts();
    daily.push({ day, side, counts, total: counts.excitement + counts.worry + counts.neutral });
  };
  for (let d = startDay; d <= lastDay; d = addDays(d, 1)) {
    if (d < momentDay) row(d, 'before');
    else if (d > momentDay) row(d, 'after');
    else {
      // a moment at midnight leaves nothing of its day before it
      if (t > parseDay(d)) row(d, 'before');
      row(d, 'after');
    }
  }

  const top = (list: ReactionItem[]) =>
    (['worry', 'excitement'] as const).flatMap((stance) =>
      list
        .filter((i) => i.stance === stance)
        .sort(byConfidence)
        .slice(0, TOP)
        .map((i) => ({
          id: i.id,
          title: i.title,
          url: i.url,
          source: i.sourceName,
          kind: i.kind,
          publishedAt: i.publishedAt.toISOString(),
          stance: i.stance,
          confidence: r4(i.confidence),
          quote: i.quote,
        })),
    );

  const afterEnds = t + p.windowDays * 86_400_000;
  return {
    moment: p.moment.toISOString(),
    windowDays: p.windowDays,
    windows: {
      before: { from: new Date(t - p.windowDays * 86_400_000).toISOString(), to: p.moment.toISOString() },
      after: { from: p.moment.toISOString(), to: new Date(afterEnds).toISOString(), complete: p.now.getTime() >= afterEnds },
    },
    ...overall,
    byKind: byKind as Partial<Record<SourceKind, ReturnType<typeof compare>>>,
    daily,
    topItems: {
      before: top(p.candidates.filter((i) => i.publishedAt.getTime() < t)),
      after: top(p.candidates.filter((i) => i.publishedAt.getTime() >= t)),
    },
  };
}

/** When the announcement became public: its local time in its zone, else the start of its day (UTC). */
export function momentOf(a: { date: string; time: string | null; timeZone: string | null }): Date {
  return a.time && a.timeZone ? zonedInstant(a.date, a.time, a.timeZone) : new Date(parseDay(a.date));
}
