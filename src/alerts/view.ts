/** A stored alert, as far as its view needs it. */
export interface AlertRecord {
  id: number;
  day: string;
  entityType: string;
  entity: string;
  metric: string;
  value: number;
  baseline: number;
  score: number;
  pValue: number;
  count: number;
  baselineCount: number;
}

export const ALERT_METRICS = ['volume', 'worry_share', 'concern_share'] as const;
export type AlertMetric = (typeof ALERT_METRICS)[number];

/** An alert as the API and webhooks show it. */
export function alertView(a: AlertRecord) {
  return {
    id: a.id,
    day: a.day,
    entityType: a.entityType,
    entity: a.entity,
    metric: a.metric as AlertMetric,
    value: a.value,
    baseline: a.baseline,
    score: a.score,
    pValue: a.pValue,
    count: a.count,
    baselineCount: a.baselineCount,
  };
}
