import { filterOptions, itemLanguages, latestLabelledAt, sourceBreakdown } from '../../db/queries/dashboard.ts';
import { listDigests } from '../../db/queries/digests.ts';
import { explanationsOf } from '../../db/queries/items.ts';
import { listSources } from '../../db/queries/sources.ts';
import { addDays, bucketStart, formatDay, nextBucket, type Granularity } from '../analytics/buckets.ts';
import { shareOf, type TrendBucket } from '../analytics/trends.ts';
import { resolveEntity } from '../ingest/entities.ts';
import { CONCERNS, type Concern, type SourceKind } from '../labels.ts';
import { notFound, ServiceError } from './errors.ts';
import { listAlerts } from './alerts.ts';
import { listAnnouncements } from './announcements.ts';
import { replicaOf, type ServiceDeps } from './deps.ts';
import { listItems, type ItemFilters } from './items.ts';
import { getTrends, trendRange, type AnswerMeta } from './trends.ts';

/** The filters the explorer takes; every number and list on the page follows all of them. */
export interface ExplorerFilters {
  q?: string | undefined;
  studio?: string | undefined;
  union?: string | undefined;
  source?: number | undefined;
  kind?: SourceKind | undefined;
  concern?: Concern | undefined;
  /** ISO 639-1 language of the items */
  lang?: string | undefined;
  area?: string | undefined;
}

export interface ExplorerQuery extends ExplorerFilters {
  from?: string | undefined;
  to?: string | undefined;
  granularity: Granularity;
  /** also the shares corrected for measured error (adjust=true on trends), beside the model's */
  adjust?: boolean | undefined;
}

/** Items the explorer lists under its charts. */
export const EXPLORER_ITEMS = 20;

/**
 * The range the explorer opens on: whole buckets ending with the bucket of the newest labelled
 * item (so a demo database from last year opens on its data), or the range asked for.
 */
export function explorerRange(q: ExplorerQuery, latest: Date): { from: string; to: string } {
  const to = q.to ?? nextBucket(bucketStart(formatDay(latest.getTime()), q.granularity), q.granularity);
  // trendRange fills a missing `from` with the default number of whole buckets and checks the range
  return trendRange({ from: q.from, to, granularity: q.granularity, tz: 'UTC' }, new Date(Date.parse(to + 'T00:00:00Z') + 86_400_000));
}

/** A share with its interval, over a whole range. */
const rangeShare = (buckets: TrendBucket[], pick: (b: TrendBucket) => number) => {
  const total = buckets.reduce((s, b) => s + b.total, 0);
  return shareOf(
    buckets.reduce((s, b) => s + pick(b), 0),
    total,
  );
};

/**
 * Everything the explorer shows for one query, each part from the verb the API uses for it:
 * stance trends (share and volume), concern shares per bucket, the latest items, the sources
 * that carried them, the alerts and announcements of the range, and the menus.
 */
export async function explorerData(deps: Pick<ServiceDeps, 'db' | 'readDb' | 'clock' | 'model' | 'config'>, q: ExplorerQuery) {
  const db = replicaOf(deps);
  const latest = (await latestLabelledAt(db)) ?? deps.clock.now();
  const { from, to } = explorerRange(q, latest);
  const f: ExplorerFilters = {
    q: q.q,
    studio: q.studio,
    union: q.union,
    source: q.source,
    kind: q.kind,
    concern: q.concern,
    lang: q.lang,
    area: q.area,
  };
  const trendQuery = { from, to, granularity: q.granularity, tz: 'UTC', relevant: 'true' as const, ...f };
  const itemFilters: ItemFilters = {
    ...f,
    relevant: true,
    labelled: true,
    from: new Date(from + 'T00:00:00Z'),
    to: new Date(to + 'T00:00:00Z'),
  };
  const entity = q.studio ?? q.union ?? q.concern;
  // with adjust, the share chart carries each bucket's corrected shares beside the model's; when
  // no validation sample can adjust (too few coded items), the page says why and shows the model's
  let adjustNote: string | null = null;
  let adjusted = false;
  const shareTrend = async () => {
    if (!q.adjust) return getTrends(deps, trendQuery);
    try {
      const t = await getTrends(deps, { ...trendQuery, adjust: true });
      adjusted = true;
      if (t.adjustment)
        adjustNote = `Adjusted with sample ${t.adjustment.sample.id} ("${t.adjustment.sample.name}", ${t.adjustment.codedItems} coded items); the dashed line is the model's own worry share.`;
      return t;
    } catch (err) {
      if (!(err instanceof ServiceError && err.kind === 'invalid')) throw err;
      adjustNote = `Not adjusted: ${err.message}`;
      return getTrends(deps, trendQuery);
    }
  };
  const [trend, byConcern, page, bySource, alerts, announcements, options, languages, sourceRows, digests] = await Promise.all([
    shareTrend(),
    getTrends(deps, { ...trendQuery, group_by: 'concern' }),
    // coders' consensus labels override the model's on coded items, as in trends (labels=best)
    listItems(deps, { filters: { ...itemFilters, labels: { corrections: true } }, limit: EXPLORER_ITEMS }),
    sourceBreakdown(db, { filters: itemFilters, limit: 10 }),
    // alerts are raised per studio, union and concern: with one of those chosen, its alerts only
    listAlerts(deps, { from, to: addDays(to, -1), entity, limit: 10 }),
    listAnnouncements(deps),
    filterOptions(db),
    itemLanguages(db),
    listSources(deps.db),
    listDigests(db, 5),
  ]);
  const buckets = trend.series[0]?.buckets ?? [];
  const explanations = await explanationsOf(
    db,
    page.rows.map((i) => i.id),
  );
  // each concern's share of the bucket's items (the same items the stance chart counts)
  const concerns = CONCERNS.map((concern) => {
    const series = byConcern.series.find((s) => s.group === concern);
    const perBucket = buckets.map((b, i) => {
      const n = series?.buckets[i]?.total ?? 0;
      return { start: b.start, count: n, total: b.total, share: shareOf(n, b.total), lowN: b.lowN };
    });
    const count = perBucket.reduce((s, b) => s + b.count, 0);
    const total = perBucket.reduce((s, b) => s + b.total, 0);
    return { concern, count, share: shareOf(count, total), buckets: perBucket };
  }).sort((a, b) => b.count - a.count || a.concern.localeCompare(b.concern));
  const total = buckets.reduce((s, b) => s + b.total, 0);
  return {
    from,
    to,
    granularity: q.granularity,
    filters: f,
    adjusted,
    adjustNote,
    minN: trend.minN,
    meta: trend.meta as AnswerMeta,
    buckets,
    summary: {
      total,
      worry: rangeShare(buckets, (b) => b.counts.worry),
      excitement: rangeShare(buckets, (b) => b.counts.excitement),
      neutral: rangeShare(buckets, (b) => b.counts.neutral),
      sources: bySource.length,
      lowNBuckets: buckets.filter((b) => b.lowN).length,
      emptyBuckets: buckets.filter((b) => b.total === 0).length,
    },
    concerns,
    items: page.rows,
    itemTotal: page.total,
    itemTotalRelation: page.totalRelation,
    explanations,
    topSources: bySource,
    alerts: alerts.alerts,
    announcements: announcements
      .filter((a) => a.date >= from && a.date < to && (!q.studio || !a.studio || a.studio === q.studio))
      .map((a) => ({ id: a.id, title: a.title, date: a.date, studio: a.studio })),
    options: {
      ...options,
      // lang= takes ISO 639-1 codes: a feed's own tag (en-us) on an item not relabelled since is not offered
      lang: languages.filter((l) => /^[a-z]{2}$/.test(l)),
      sources: sourceRows.filter((s) => !s.deletedAt).map((s) => ({ id: s.id, name: s.name, kind: s.kind, organisation: s.organisation })),
    },
    digests: digests.map((d) => ({ week: d.week, studio: d.studio, union: d.union, version: d.version })),
  };
}

export type ExplorerData = Awaited<ReturnType<typeof explorerData>>;

/**
 * A studio's or a union's page: the explorer's figures with that one filter, and its own words:
 * items from the sources it runs (their organisation or name resolves to it), or, with none, items
 * from sources of its kind that mention it.
 */
export async function entityPage(
  deps: Pick<ServiceDeps, 'db' | 'readDb' | 'clock' | 'model' | 'config'>,
  p: { kind: 'studio' | 'union'; name: string },
) {
  const name = resolveEntity(p.kind, p.name).name;
  if (!name) throw notFound(`${p.kind} "${p.name.slice(0, 80)}"`);
  const data = await explorerData(deps, { granularity: 'week', [p.kind]: name });
  const own = data.options.sources.filter((s) => {
    const row = s;
    return (
      row.kind === p.kind && (resolveEntity(p.kind, row.organisation ?? '').name === name || resolveEntity(p.kind, row.name).name === name)
    );
  });
  const filters: ItemFilters = own.length
    ? { sourceIds: own.map((s) => s.id), relevant: true, labelled: true }
    : { kind: p.kind, [p.kind]: name, relevant: true, labelled: true };
  const statements = await listItems(deps, { filters, limit: 10 });
  return { kind: p.kind, name, data, ownSources: own, statements: statements.rows, statementTotal: statements.total };
}
