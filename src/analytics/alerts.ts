import { poissonTest, twoProportionTest } from './stats.ts';

/** How spikes are found; every number is configurable (see README). */
export interface AlertSettings {
  /** trailing days that form the baseline */
  baselineDays: number;
  /** fewer items than this today and nothing is flagged */
  minVolume: number;
  /** a volume spike needs P(X ≥ today | baseline rate) below this */
  maxP: number;
  /** a worry-share spike needs a two-proportion z at least this high */
  minZ: number;
}

export const DEFAULT_ALERT_SETTINGS: AlertSettings = { baselineDays: 28, minVolume: 5, maxP: 0.01, minZ: 3 };

export interface EntityDay {
  total: number;
  worry: number;
}

export interface Spike {
  metric: 'volume' | 'worry_share' | 'concern_share';
  /** today's count (volume) or worry share */
  value: number;
  /** baseline daily mean (volume) or baseline worry share */
  baseline: number;
  /** standardised size: (count − mean) / √mean for volume, z for worry share */
  score: number;
  pValue: number;
  count: number;
  baselineCount: number;
}

const r4 = (v: number) => Math.round(v * 10_000) / 10_000;

/**
 * Spikes for one studio or union on one day, against the trailing baseline: volume with a
 * Poisson test on the baseline's daily mean, worry share with a two-proportion z-test against
 * the baseline's pooled share. Days before the entity was ever seen count as zero.
 */
export function detectSpikes(today: EntityDay, baseline: EntityDay, s: AlertSettings = DEFAULT_ALERT_SETTINGS): Spike[] {
  if (today.total < s.minVolume) return [];
  const spikes: Spike[] = [];
  const mean = baseline.total / s.baselineDays;
  const volume = poissonTest(today.total, mean);
  if (volume.pUpper < s.maxP && today.total > mean) {
    spikes.push({
      metric: 'volume',
      value: today.total,
      baseline: r4(mean),
      score: r4((today.total - mean) / Math.sqrt(Math.max(mean, 1))),
      pValue: volume.pUpper,
      count: today.total,
      baselineCount: baseline.total,
    });
  }
  const share = twoProportionTest(baseline.worry, baseline.total, today.worry, today.total);
  if (share && share.z >= s.minZ) {
    spikes.push({
      metric: 'worry_share',
      value: r4(today.worry / today.total),
      baseline: r4(baseline.worry / baseline.total),
      score: r4(share.z),
      pValue: share.p / 2, // one-sided: only rises are alerts
      count: today.total,
      baselineCount: baseline.total,
    });
  }
  return spikes;
}

/** Items of one day (or of the baseline) that raise a concern, out of all relevant items. */
export interface ConcernDay {
  n: number;
  total: number;
}

/**
 * A rise in one concern's share of relevant items on one day beyond noise: a two-proportion
 * z-test of today's share against the baseline's pooled share, z ≥ minZ (rises only), on a day
 * with at least minVolume relevant items and at least two items raising it.
 */
export function detectConcernSpike(today: ConcernDay, baseline: ConcernDay, s: AlertSettings = DEFAULT_ALERT_SETTINGS): Spike | undefined {
  if (today.total < s.minVolume || today.n < 2) return undefined;
  const share = twoProportionTest(baseline.n, baseline.total, today.n, today.total);
  if (!share || share.z < s.minZ) return undefined;
  return {
    metric: 'concern_share',
    value: r4(today.n / today.total),
    baseline: r4(baseline.total ? baseline.n / baseline.total : 0),
    score: r4(share.z),
    pValue: share.p / 2,
    count: today.n,
    baselineCount: baseline.n,
  };
}
