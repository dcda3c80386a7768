import { latestLabelledAt } from '../../db/queries/dashboard.ts';
import { modelKnown } from '../../db/queries/models.ts';
import { dayCounts, type LabelView } from '../../db/queries/rollups.ts';
import { bucketStart, bucketStarts, dayInZone, GRANULARITIES, parseDay, type Granularity } from '../analytics/buckets.ts';
import {
  buildSeries,
  shareOf,
  TREND_MIN_N,
  trendsCsv,
  type ConcernFigures,
  type TrendBucket,
  type TrendSeries,
} from '../analytics/trends.ts';
import { AREAS, STUDIOS, UNIONS } from '../ingest/entities.ts';
import { CONCERNS, SOURCE_KINDS, type GroupDimension, type SourceKind } from '../labels.ts';
import { replicaOf, type ServiceDeps } from './deps.ts';
import { invalid } from './errors.ts';
import { adjustFigures, loadAdjuster, type AdjustedFigures, type AdjustmentInfo } from './adjustment.ts';

/** The longest range one trends request may cover. */
export const MAX_TREND_DAYS = 3660;
/** The most buckets one series may have: a finer granularity is coarsened to fit (as umami does). */
export const MAX_BUCKETS = 400;
/** The most buckets × groups one answer may carry. */
export const MAX_CELLS = 4000;
/** How many groups each dimension can have at most (tags come from fixed lists). */
const MAX_GROUPS: Record<GroupDimension, number> = {
  studio: STUDIOS.length,
  union: UNIONS.length,
  area: AREAS.length,
  concern: CONCERNS.length,
  kind: SOURCE_KINDS.length,
};

/**
 * The granularity an answer is given in: the one asked for, or the next coarser one (day, week,
 * month) while the range would need more than MAX_BUCKETS buckets, or buckets × the groups the
 * dimension can have would pass MAX_CELLS. Ten years of days grouped by studio become months.
 */
export function clampGranularity(range: { from: string; to: string }, asked: Granularity, groupBy?: GroupDimension): Granularity {
  const groups = groupBy ? MAX_GROUPS[groupBy] : 1;
  const order = GRANULARITIES.slice(GRANULARITIES.indexOf(asked));
  for (const g of order) {
    const n = bucketStarts(range.from, range.to, g).length;
    if (n <= MAX_BUCKETS && n * groups <= MAX_CELLS) return g;
  }
  return order.at(-1)!;
}

/** Whole buckets shown when no range is given. */
export const DEFAULT_BUCKETS = { day: 30, week: 12, month: 12 } as const;

export const RELEVANCE_MODES = { true: 'relevant items only', false: 'off-topic items only', all: 'relevant and off-topic items' } as const;

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
  lang?: string | undefined;
  /** full-text query; with it (or source, or lang) the counts come from items, not rollups */
  q?: string | undefined;
  source?: number | undefined;
  relevant: 'true' | 'false' | 'all';
  tz: string;
  /** a model version whose labels are counted; default: the current one */
  model?: string | undefined;
  /** best (default): a coded item counts with its coders' consensus label; model: the model's alone */
  labels?: LabelMode | undefined;
  /** correct each bucket for the model's measured errors (a validation sample's confusion matrix) */
  adjust?: boolean | undefined;
  /** the validation sample to adjust with; default: the newest with enough coded items */
  sample?: number | undefined;
}

export const LABEL_MODES = ['best', 'model'] as const;
export type LabelMode = (typeof LABEL_MODES)[number];

/** The label view for a request: an earlier model version when asked for, corrections unless `labels=model`. */
export function labelView(current: string, q: { model?: string | undefined; labels?: LabelMode | undefined }): LabelView {
  return { model: q.model && q.model !== current ? q.model : undefined, corrections: (q.labels ?? 'best') === 'best' };
}

/** What made an answer: the model, the filters as applied, the relevance rule, when, and data through when. */
export interface AnswerMeta {
  model: string;
  /** best: coders' consensus where an item was coded, else the model; model: the model alone */
  labels?: LabelMode;
  filters: Record<string, string>;
  relevance: string;
  generatedAt: string;
  /** publication time of the newest labelled item: nothing later is counted yet */
  dataThrough: string | null;
}

export type TrendAnswerBucket = TrendBucket & { concern?: ConcernFigures; adjusted?: AdjustedFigures | null };

export interface TrendAnswer {
  granularity: Granularity;
  /** the granularity asked for, when the range made it coarser (see clampGranularity) */
  requestedGranularity?: Granularity;
  from: string;
  to: string;
  tz: string;
  minN: number;
  series: { group: string | null; buckets: TrendAnswerBucket[] }[];
  meta: AnswerMeta;
  /** with adjust=true: the validation sample and method the adjusted figures come from */
  adjustment?: AdjustmentInfo;
}

/** `n` buckets before the bucket that starts on `start` (a bucket start). */
function bucketsBefore(start: string, g: Granularity, n: number): string {
  if (g === 'day') return new Date(parseDay(start) - n * 86_400_000).toISOString().slice(0, 10);
  if (g === 'week') return new Date(parseDay(start) - n * 7 * 86_400_000).toISOString().slice(0, 10);
  const y = Number(start.slice(0, 4));
  const m = Number(start.slice(5, 7)) - 1 - n;
  const year = y + Math.floor(m / 12);
  return `${String(year).padStart(4, '0')}-${String((((m % 12) + 12) % 12) + 1).padStart(2, '0')}-01`;
}

/**
 * The range a trends request covers: [from, to) in its zone, checked. With no range given it
 * is whole buckets ending with the last complete day (the bucket in progress is left out).
 */
export function trendRange(q: Pick<TrendQuery, 'from' | 'to' | 'granularity' | 'tz'>, now: Date): { from: string; to: string } {
  const today = dayInZone(now, q.tz);
  const to = q.to ?? bucketStart(today, q.granularity);
  const from = q.from ?? bucketsBefore(bucketStart(to, q.granularity), q.granularity, DEFAULT_BUCKETS[q.granularity]);
  if (from >= to) throw invalid(q.to ? 'to' : 'from', 'must be after from');
  if ((parseDay(to) - parseDay(from)) / 86_400_000 > MAX_TREND_DAYS)
    throw invalid('from', `a range may cover at most ${MAX_TREND_DAYS} days`);
  return { from, to };
}

/** The filters an answer was made with, as applied (defaults filled in, names resolved). */
function appliedFilters(q: TrendQuery, range: { from: string; to: string }, granularity: Granularity): Record<string, string> {
  const out: Record<string, string> = { from: range.from, to: range.to, granularity, tz: q.tz, relevant: q.relevant };
  for (const k of ['group_by', 'studio', 'union', 'kind', 'area', 'concern', 'lang', 'q', 'source', 'model'] as const)
    if (q[k] !== undefined) out[k] = String(q[k]);
  out.labels = q.labels ?? 'best';
  return out;
}

/** Stance over time with counts, shares, 95% Wilson intervals, net score, low-N and partial flags. */
export async function getTrends(
  deps: Pick<ServiceDeps, 'db' | 'readDb' | 'clock' | 'model' | 'config'>,
  q: TrendQuery,
): Promise<TrendAnswer> {
  if (q.adjust) return adjustedTrends(deps, q);
  const db = replicaOf(deps);
  const now = deps.clock.now();
  const { from, to } = trendRange(q, now);
  const granularity = clampGranularity({ from, to }, q.granularity, q.group_by);
  const relevant = q.relevant === 'all' ? undefined : q.relevant === 'true';
  const labels = labelView(deps.model.version, q);
  if (labels.model && !(await modelKnown(deps.db, labels.model)))
    throw invalid('model', `no labels stored for model ${labels.model}; GET /api/v1/models lists them`);
  // rows come back per bucket, not per day: ten years of weeks read a seventh of the rows
  const filters = {
    from,
    to,
    tz: q.tz,
    studio: q.studio,
    union: q.union,
    kind: q.kind,
    area: q.area,
    concern: q.concern,
    lang: q.lang,
    q: q.q,
    source: q.source,
    relevant,
    labels,
    bucket: granularity,
  };
  const shape = { from, to, granularity, asOf: dayInZone(now, q.tz) };
  const [rows, through, totals] = await Promise.all([
    dayCounts(db, { ...filters, groupBy: q.group_by }, 'rollup'),
    latestLabelledAt(db),
    // concerns are counted against every item of the bucket, not only the items that raise them
    q.group_by === 'concern' ? dayCounts(db, { ...filters, concern: undefined }, 'rollup') : Promise.resolve(undefined),
  ]);
  let series: TrendAnswer['series'] = buildSeries(rows, { ...shape, grouped: !!q.group_by });
  if (totals) {
    const all = buildSeries(totals, { ...shape, grouped: false })[0]!.buckets;
    series = series.map((s: TrendSeries) => ({
      group: s.group,
      buckets: s.buckets.map((b, i) => {
        const t = all[i]!;
        return {
          ...b,
          concern: {
            count: b.total,
            relevantTotal: t.total,
            worryTotal: t.counts.worry,
            ofRelevant: shareOf(b.total, t.total),
            ofWorry: shareOf(b.total, t.counts.worry),
          },
        };
      }),
    }));
  }
  const cells = series.reduce((n, s) => n + s.buckets.length, 0);
  if (cells > MAX_CELLS)
    throw invalid(
      'group_by',
      `the answer would have ${cells} buckets across its groups, more than ${MAX_CELLS}; narrow the range or use a coarser granularity`,
    );
  return {
    granularity,
    ...(granularity !== q.granularity ? { requestedGranularity: q.granularity } : {}),
    from,
    to,
    tz: q.tz,
    minN: TREND_MIN_N,
    series,
    meta: {
      model: q.model ?? deps.model.version,
      labels: q.labels ?? 'best',
      filters: appliedFilters(q, { from, to }, granularity),
      relevance: RELEVANCE_MODES[q.relevant],
      generatedAt: now.toISOString(),
      dataThrough: through?.toISOString() ?? null,
    },
  };
}

/**
 * Trends corrected for the model's measured errors: the plain answer (the model's labels), with
 * each bucket's `adjusted` shares and relevant count from a validation sample's confusion
 * matrix, and the sample named in `adjustment`.
 */
async function adjustedTrends(
  deps: Pick<ServiceDeps, 'db' | 'readDb' | 'clock' | 'model' | 'config'>,
  q: TrendQuery,
): Promise<TrendAnswer> {
  if (q.relevant === 'false')
    throw invalid(
      'adjust',
      'adjusts stance shares of relevant items (relevant=true) or of all items (relevant=all), not of off-topic ones',
    );
  if (q.group_by === 'concern') throw invalid('adjust', 'concern shares are not adjusted; leave out group_by=concern or adjust');
  const asModel = { ...q, labels: 'model' as const, adjust: false };
  const adjuster = await loadAdjuster(deps, { sampleId: q.sample, model: q.model });
  const [plain, offTopic] = await Promise.all([
    getTrends(deps, q.relevant === 'all' ? { ...asModel, relevant: 'true' } : asModel),
    getTrends(deps, { ...asModel, relevant: 'false' }),
  ]);
  const shown = q.relevant === 'all' ? await getTrends(deps, asModel) : plain;
  const off = new Map(offTopic.series.map((s) => [s.group, s.buckets]));
  const series = shown.series.map((s) => {
    const rel = plain.series.find((x) => x.group === s.group)?.buckets;
    return {
      group: s.group,
      buckets: s.buckets.map((b, i) => {
        const r = rel?.[i];
        const o = off.get(s.group)?.[i];
        return { ...b, adjusted: r ? adjustFigures(adjuster, o?.total ?? 0, r.counts, q.relevant === 'all' ? 'all' : 'relevant') : null };
      }),
    };
  });
  return {
    ...shown,
    series,
    meta: { ...shown.meta, filters: { ...shown.meta.filters, adjust: 'true', sample: String(adjuster.info.sample.id) } },
    adjustment: adjuster.info,
  };
}

/** The same answer as CSV, one row per bucket and group (concern columns when grouped by concern). */
export function trendsAsCsv(answer: TrendAnswer): string {
  return trendsCsv(answer.series);
}

/** An answer's provenance as response headers, for formats with no room for it in the body. */
export function metaHeaders(meta: AnswerMeta): Record<string, string> {
  return {
    'Pulse-Model': meta.model,
    'Pulse-Labels': meta.labels ?? 'model',
    'Pulse-Filters': new URLSearchParams(meta.filters).toString(),
    'Pulse-Relevance': meta.relevance,
    'Pulse-Generated-At': meta.generatedAt,
    'Pulse-Data-Through': meta.dataThrough ?? '',
  };
}
