import { listAlerts } from '../../db/queries/alerts.ts';
import { filterOptions, latestLabelledAt } from '../../db/queries/dashboard.ts';
import { listDigests } from '../../db/queries/digests.ts';
import { explanationsOf, listItems } from '../../db/queries/items.ts';
import { dayCounts } from '../../db/queries/rollups.ts';
import { addDays, bucketStart, formatDay } from '../analytics/buckets.ts';
import { buildSeries } from '../analytics/trends.ts';
import type { Concern, SourceKind } from '../labels.ts';
import { listAnnouncements } from './announcements.ts';
import { replicaOf, type DbClockDeps, type ReadDeps } from './deps.ts';

/** Weeks the dashboard charts. */
export const DASHBOARD_WEEKS = 12;

export interface DashboardFilters {
  studio?: string | undefined;
  union?: string | undefined;
  kind?: SourceKind | undefined;
  concern?: Concern | undefined;
}

/**
 * Everything the dashboard shows for a set of filters: twelve weeks up to the newest labelled
 * item (or up to today), their stance buckets, the latest items, the announcements and alerts
 * inside the charted range, recent digests and the filter menus.
 */
export async function dashboardData(deps: DbClockDeps & ReadDeps, f: DashboardFilters) {
  const db = replicaOf(deps);
  const latest = (await latestLabelledAt(db)) ?? deps.clock.now();
  const to = addDays(bucketStart(formatDay(latest.getTime()), 'week'), 7);
  const from = addDays(to, -7 * DASHBOARD_WEEKS);
  const [rows, page, announcements, alerts, digests, options] = await Promise.all([
    // the coders' consensus overrides the model on coded items, as in the trends API (labels=best)
    dayCounts(db, { from, to, tz: 'UTC', relevant: true, ...f, labels: { corrections: true } }, 'rollup'),
    listItems(db, { filters: { ...f, relevant: true, labels: { corrections: true } }, limit: 15 }),
    listAnnouncements(deps),
    // the alerts raised inside the charted range (its last day is the day before `to`)
    listAlerts(db, { from, to: addDays(to, -1), limit: 10 }),
    listDigests(db, 8),
    filterOptions(db),
  ]);
  const buckets = buildSeries(rows, { from, to, granularity: 'week', grouped: false })[0]!.buckets;
  const explanations = await explanationsOf(
    db,
    page.rows.map((i) => i.id),
  );
  return {
    from,
    to,
    buckets,
    items: page.rows,
    explanations,
    options,
    announcements: announcements
      .filter((a) => a.date >= from && a.date < to)
      .map((a) => ({ id: a.id, title: a.title, date: a.date, studio: a.studio })),
    alerts,
    digests: digests.map((d) => ({ week: d.week, studio: d.studio, union: d.union, version: d.version })),
  };
}
