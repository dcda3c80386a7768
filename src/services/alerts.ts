import { listAlerts as listAlertRows, upsertAlert } from '../../db/queries/alerts.ts';

export type { AlertRow } from '../../db/queries/alerts.ts';
import { dayCounts } from '../../db/queries/rollups.ts';
import { alertView } from '../alerts/view.ts';
import { detectSpikes, type AlertSettings, type EntityDay } from '../analytics/alerts.ts';
import { addDays } from '../analytics/buckets.ts';
import type { GroupDimension } from '../labels.ts';
import { replicaOf, type DbDeps, type ServiceDeps } from './deps.ts';
import { invalid } from './errors.ts';

export interface AlertQuery {
  from?: string | undefined;
  /** last day, inclusive */
  to?: string | undefined;
  entity?: string | undefined;
  limit: number;
}

/** Stored alerts, newest first, and how they were found. */
export async function listAlerts(deps: Pick<ServiceDeps, 'db' | 'readDb' | 'config'>, q: AlertQuery) {
  if (q.from && q.to && q.from > q.to) throw invalid('to', 'must not be before from');
  const s = deps.config.alerts;
  const method =
    `Per studio and union, each UTC day against the trailing ${s.baselineDays} days. Volume: today's relevant items against a Poisson baseline ` +
    `(daily mean), flagged when P(X ≥ today) < ${s.maxP}. Worry share: two-proportion z-test of today's share against the baseline's, flagged when z ≥ ${s.minZ}. ` +
    `Days with fewer than ${s.minVolume} items are never flagged.`;
  return { alerts: (await listAlertRows(replicaOf(deps), q)).map(alertView), method };
}

/**
 * Looks for spikes on one UTC day for every studio and union, against the trailing baseline,
 * and stores them (updating an alert already raised that day). Returns what it found.
 */
export async function detectAlerts(
  deps: DbDeps,
  p: { day: string; settings: AlertSettings; at: Date },
): Promise<{ alerts: number; created: number }> {
  const db = deps.db;
  let found = 0;
  let created = 0;
  for (const [dimension, entityType] of [
    ['studio', 'studio'],
    ['union', 'union'],
  ] as [GroupDimension, string][]) {
    const rows = await dayCounts(
      db,
      { from: addDays(p.day, -p.settings.baselineDays), to: addDays(p.day, 1), tz: 'UTC', groupBy: dimension, relevant: true },
      'rollup',
    );
    const byEntity = new Map<string, { today: EntityDay; baseline: EntityDay }>();
    for (const r of rows) {
      if (!r.group) continue;
      let e = byEntity.get(r.group);
      if (!e) byEntity.set(r.group, (e = { today: { total: 0, worry: 0 }, baseline: { total: 0, worry: 0 } }));
      const side = r.day === p.day ? e.today : e.baseline;
      side.total += r.n;
      if (r.stance === 'worry') side.worry += r.n;
    }
    for (const [entity, days] of byEntity) {
      for (const spike of detectSpikes(days.today, days.baseline, p.settings)) {
        const r = await upsertAlert(db, { day: p.day, entityType, entity, ...spike }, p.at);
        found++;
        if (r.created) created++;
      }
    }
  }
  return { alerts: found, created };
}
