import { listSamples as listSampleRows } from '../../db/queries/validation.ts';
import {
  adjustBucket,
  answerRandom,
  bootstrapMatrices,
  BOOTSTRAP_REPS,
  derived,
  misclassification,
  type CodedPair,
  type Matrix,
} from '../analytics/adjust.ts';
import type { Interval } from '../analytics/stats.ts';
import { STANCES, type Stance } from '../labels.ts';
import type { ServiceDeps } from './deps.ts';
import { invalid } from './errors.ts';
import { ADJUST_CLASSES, codedItems } from './validation.ts';

export const ADJUST_METHOD =
  "Adjusted classify-and-count: P(model's class | coders' class) is measured on the validation sample over four classes (off-topic and the three stances of relevant items), " +
  "each bucket's model counts are corrected by solving for the true distribution and mapping the answer onto the simplex, and the 95% intervals are percentiles of a bootstrap " +
  `that resamples both the coded items (within strata, with their weights) and the bucket's items (${BOOTSTRAP_REPS} replicates). Coders' corrections are not applied on top (labels=model): the coded items are what the correction is measured on.`;

/** What an adjusted answer was adjusted with: the sample, how many coded items, the model. */
export interface AdjustmentInfo {
  sample: { id: number; name: string; size: number; stratify: string | null };
  codedItems: number;
  model: string;
  minCoded: number;
  method: string;
}

export interface Adjuster {
  info: AdjustmentInfo;
  M: Matrix;
  matrices: (Matrix | null)[];
  random: () => number;
}

/**
 * Loads the misclassification matrix of a validation sample for a model version (the sample
 * asked for, or the newest one with enough coded items) and its bootstrap replicates. Refuses,
 * naming the sample and its count, below `config.adjustMinCoded` coded items, or when a true
 * class has no coded item (its errors cannot be measured).
 */
export async function loadAdjuster(
  deps: Pick<ServiceDeps, 'db' | 'model' | 'config'>,
  p: { sampleId?: number | undefined; model?: string | undefined },
): Promise<Adjuster> {
  const min = deps.config.adjustMinCoded;
  let chosen: Awaited<ReturnType<typeof codedItems>> | undefined;
  if (p.sampleId !== undefined) {
    chosen = await codedItems(deps, { sampleId: p.sampleId, model: p.model });
    if (chosen.coded.length < min)
      throw invalid(
        'adjust',
        `sample ${p.sampleId} has ${chosen.coded.length} coded items with a consensus; adjusting for error needs at least ${min} (PULSE_ADJUST_MIN_CODED), so Pulse will not guess`,
      );
  } else {
    const all = (await listSampleRows(deps.db)).reverse();
    let best = 0;
    for (const s of all) {
      const c = await codedItems(deps, { sampleId: s.id, model: p.model });
      best = Math.max(best, c.coded.length);
      if (c.coded.length >= min) {
        chosen = c;
        break;
      }
    }
    if (!chosen)
      throw invalid(
        'adjust',
        all.length
          ? `no validation sample has ${min} coded items with a consensus yet (the most is ${best}); code more (/code/ID) or lower PULSE_ADJUST_MIN_CODED`
          : `no validation sample yet: draw one (pulse sample --n 200) and code at least ${min} items`,
      );
  }
  const weighted = chosen.sample.stratify !== null;
  const pairs: CodedPair[] = chosen.coded.map((c) => ({
    truth: ADJUST_CLASSES.indexOf(c.truthClass),
    pred: ADJUST_CLASSES.indexOf(c.predClass),
    weight: weighted ? c.weight : 1,
    stratum: c.stratum,
  }));
  const M = misclassification(pairs, ADJUST_CLASSES.length);
  if (!M) {
    const missing = ADJUST_CLASSES.filter((_, k) => !pairs.some((p) => p.truth === k));
    throw invalid(
      'adjust',
      `sample ${chosen.sample.id} has no coded item whose consensus is ${missing.join(' or ')}: the model's errors on that class cannot be measured`,
    );
  }
  const random = answerRandom();
  return {
    info: {
      sample: { id: chosen.sample.id, name: chosen.sample.name, size: chosen.sample.size, stratify: chosen.sample.stratify },
      codedItems: chosen.coded.length,
      model: chosen.model,
      minCoded: min,
      method: ADJUST_METHOD,
    },
    M,
    matrices: bootstrapMatrices(pairs, ADJUST_CLASSES.length, BOOTSTRAP_REPS, random),
    random,
  };
}

/** Adjusted figures of one bucket: stance shares (among relevant items, or all) and the relevant count. */
export interface AdjustedFigures {
  shares: Record<Stance, Interval | null>;
  relevant: Interval | null;
  /** the model's counts the adjustment started from: off-topic, then each stance */
  observed: { offTopic: number; relevant: number };
}

/**
 * Corrects one bucket: `offTopic` items the model put outside the topic, `counts` its stance
 * counts among the rest. `among: 'relevant'` gives shares of relevant items (off-topic items
 * left out), `'all'` shares of every item (off-topic items are neutral, as the model says).
 */
export function adjustFigures(
  a: Adjuster,
  offTopic: number,
  counts: Record<Stance, number>,
  among: 'relevant' | 'all',
): AdjustedFigures | null {
  const c = [offTopic, ...STANCES.map((s) => counts[s])];
  const n = c.reduce((x, y) => x + y, 0);
  const b = adjustBucket(c, a.M, a.matrices, a.random);
  const observed = { offTopic, relevant: n - offTopic };
  if (!b) return { shares: { excitement: null, worry: null, neutral: null }, relevant: null, observed };
  const shares = {} as Record<Stance, Interval | null>;
  for (const [k, s] of STANCES.entries()) {
    const i = k + 1;
    shares[s] = derived(b, (pi) =>
      among === 'relevant' ? (pi[0]! < 1 ? pi[i]! / (1 - pi[0]!) : Number.NaN) : s === 'neutral' ? pi[i]! + pi[0]! : pi[i]!,
    );
  }
  return { shares, relevant: derived(b, (pi) => (1 - pi[0]!) * n, 1), observed };
}

/** The adjusted change in worry share between two sides, with its bootstrap interval (the same M replicate on both sides). */
export function adjustedDiff(a: Adjuster, before: number[], after: number[]): Interval | null {
  const b = adjustBucket(before, a.M, a.matrices, a.random);
  const f = adjustBucket(after, a.M, a.matrices, a.random);
  if (!b || !f) return null;
  const worry = (pi: number[]) => (pi[0]! < 1 ? pi[2]! / (1 - pi[0]!) : Number.NaN);
  const diff = {
    estimate: [worry(f.estimate) - worry(b.estimate)],
    replicates: b.replicates.map((r, k) => [worry(f.replicates[k] ?? r) - worry(r)]),
  };
  return derived(diff, (x) => x[0]!);
}
