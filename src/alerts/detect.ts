import type { Db } from '../../db/client.ts';
import { upsertAlert } from '../../db/queries/alerts.ts';
import { dayCounts, type GroupDimension } from '../../db/queries/rollups.ts';
import { detectSpikes, type AlertSettings, type EntityDay } from '../analytics/alerts.ts';
import { addDays } from '../analytics/buckets.ts';

/**
 * Looks for spikes on one UTC day for every studio and union, against the trailing baseline,
 * and stores them (updating an alert already raised that day). Returns what it found.
 */
export async function detectAlerts(db: Db, p: { day: string; settings: AlertSettings; at: Date }): Promise<{ alerts: number; created: number }> {
  let found = 0;
  let created = 0;
  for (const [dimension, entityType] of [['studio', 'studio'], ['union', 'union']] as [GroupDimension, string][]) {
    const rows = await dayCounts(db, { from: addDays(p.day, -p.settings.baselineDays), to: addDays(p.day, 1), tz: 'UTC', groupBy: dimension, relevant: true }, 'rollup');
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
