/**
 * Proof that error adjustment works, on simulated data with known truth. Each simulated trend:
 * 6 weekly buckets whose true class prevalences move (off-topic dominant, worry rising), items
 * drawn from them, a classifier with a known misclassification matrix applied to every item,
 * and a coded sample of 200 items drawn from the whole stream. The adjusted stance shares of
 * each bucket (among relevant items) must recover the truth and their 95% intervals cover it.
 */
import { describe, expect, it } from 'vitest';
import {
  adjustBucket,
  adjustShares,
  bootstrapMatrices,
  derived,
  misclassification,
  projectToSimplex,
  type CodedPair,
} from '../src/analytics/adjust.ts';
import { seededRandom } from '../src/analytics/random.ts';

// classes: 0 off-topic, 1 excitement, 2 worry, 3 neutral
const TRUE_M = [
  [0.8, 0.05, 0.08, 0.07], // the relevance gate lets 20% of off-topic items through
  [0.1, 0.72, 0.06, 0.12],
  [0.08, 0.04, 0.76, 0.12],
  [0.15, 0.07, 0.1, 0.68],
];
const WEEKS = 4;
const ITEMS_PER_WEEK = 400;
const CODED = 200;
const TRENDS = 1000;
const REPS = 200;

/** true prevalences of week w: off-topic 55%, worry rising from 12% to 27% of all items */
function truth(w: number): number[] {
  const off = 0.55;
  const worry = 0.12 + (0.15 * w) / (WEEKS - 1);
  const excitement = 0.13;
  return [off, excitement, worry, 1 - off - excitement - worry];
}
const relevantShare = (pi: number[], s: number) => pi[s]! / (1 - pi[0]!);

function draw(p: number[], random: () => number): number {
  const u = random();
  let c = 0;
  for (let j = 0; j < p.length; j++) if (u < (c += p[j]!)) return j;
  return p.length - 1;
}

function simulate(seed: number) {
  const random = seededRandom(seed);
  const weeks: { truth: number; pred: number }[][] = [];
  for (let w = 0; w < WEEKS; w++) {
    const items = [];
    for (let i = 0; i < ITEMS_PER_WEEK; i++) {
      const t = draw(truth(w), random);
      items.push({ truth: t, pred: draw(TRUE_M[t]!, random) });
    }
    weeks.push(items);
  }
  const all = weeks.flat();
  const coded: CodedPair[] = [];
  for (let i = 0; i < CODED; i++) {
    const it = all[Math.floor(random() * all.length)]!;
    coded.push({ truth: it.truth, pred: it.pred, weight: 1 });
  }
  return { weeks, coded, random };
}

describe('adjusted classify-and-count', () => {
  it('solves exactly when the matrix is known, and stays inside the simplex', () => {
    const pi = [0.5, 0.1, 0.3, 0.1];
    const q = [0, 1, 2, 3].map((p) => pi.reduce((s, v, t) => s + v * TRUE_M[t]![p]!, 0));
    const back = adjustShares(TRUE_M, q);
    for (const [i, v] of back.entries()) expect(v).toBeCloseTo(pi[i]!, 10);
    // an observation the matrix cannot produce from any distribution: still a distribution
    const edge = adjustShares(TRUE_M, [0.95, 0.05, 0, 0]);
    expect(edge.every((v) => v >= 0)).toBe(true);
    expect(edge.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(projectToSimplex([0.5, 0.8, -0.2])).toEqual([0.35, 0.65, 0].map((v) => expect.closeTo(v, 12)));
    expect(misclassification([{ truth: 0, pred: 0, weight: 1 }], 2)).toBeNull();
  });

  it(`recovers known truth in ${TRENDS} simulated trends: 95% intervals cover it at least 93% of the time`, { timeout: 60_000 }, () => {
    const started = performance.now();
    let covered = 0;
    let intervals = 0;
    let worryCovered = 0;
    let worryIntervals = 0;
    let biasAdjusted = 0;
    let biasRaw = 0;
    let absRaw = 0;
    let absAdjusted = 0;
    let estimates = 0;
    const rawByWeek = new Array<number>(WEEKS).fill(0);
    const adjByWeek = new Array<number>(WEEKS).fill(0);
    let rawSlope = 0;
    let adjustedSlope = 0;
    for (let t = 0; t < TRENDS; t++) {
      const { weeks, coded, random } = simulate(1000 + t);
      const M = misclassification(coded, 4);
      if (!M) continue; // a class absent from the coded sample: the service refuses; nothing to score
      const matrices = bootstrapMatrices(coded, 4, REPS, random);
      const firstLast: { raw: number; adj: number }[] = [];
      weeks.forEach((items, w) => {
        const counts = [0, 0, 0, 0];
        for (const it of items) counts[it.pred]!++;
        const b = adjustBucket(counts, M, matrices, random)!;
        for (const s of [1, 2, 3]) {
          const target = relevantShare(truth(w), s);
          const est = derived(b, (pi) => relevantShare(pi, s))!;
          intervals++;
          if (est.low <= target && target <= est.high) covered++;
          const raw = counts[s]! / (counts[1]! + counts[2]! + counts[3]!);
          if (s === 2) {
            worryIntervals++;
            if (est.low <= target && target <= est.high) worryCovered++;
            biasRaw += raw - target;
            rawByWeek[w]! += (raw - target) / TRENDS;
            adjByWeek[w]! += (est.value - target) / TRENDS;
            biasAdjusted += est.value - target;
            absRaw += Math.abs(raw - target);
            absAdjusted += Math.abs(est.value - target);
            estimates++;
            if (w === 0 || w === WEEKS - 1) firstLast.push({ raw, adj: est.value });
          }
        }
      });
      rawSlope += firstLast[1]!.raw - firstLast[0]!.raw;
      adjustedSlope += firstLast[1]!.adj - firstLast[0]!.adj;
    }
    const coverage = covered / intervals;
    const worryCoverage = worryCovered / worryIntervals;
    const trueRise = relevantShare(truth(WEEKS - 1), 2) - relevantShare(truth(0), 2);
    const report = {
      trends: TRENDS,
      seconds: Math.round((performance.now() - started) / 100) / 10,
      coverageAllStanceShares: Math.round(coverage * 1000) / 1000,
      coverageWorryShare: Math.round(worryCoverage * 1000) / 1000,
      worryShareBiasRaw: Math.round((biasRaw / estimates) * 1000) / 1000,
      worryShareBiasAdjusted: Math.round((biasAdjusted / estimates) * 1000) / 1000,
      worryShareMeanAbsErrorRaw: Math.round((absRaw / estimates) * 1000) / 1000,
      worryShareMeanAbsErrorAdjusted: Math.round((absAdjusted / estimates) * 1000) / 1000,
      worryShareBiasRawByWeek: rawByWeek.map((v) => Math.round(v * 1000) / 1000),
      worryShareBiasAdjustedByWeek: adjByWeek.map((v) => Math.round(v * 1000) / 1000),
      trueWorryShareByWeek: Array.from({ length: WEEKS }, (_, w) => Math.round(relevantShare(truth(w), 2) * 1000) / 1000),
      trueRiseInWorryShare: Math.round(trueRise * 1000) / 1000,
      rawRise: Math.round((rawSlope / TRENDS) * 1000) / 1000,
      adjustedRise: Math.round((adjustedSlope / TRENDS) * 1000) / 1000,
    };
    console.log('adjustment simulation', JSON.stringify(report));
    expect(coverage).toBeGreaterThanOrEqual(0.9);
    expect(worryCoverage).toBeGreaterThanOrEqual(0.9);
    expect(Math.abs(report.worryShareBiasAdjusted)).toBeLessThan(0.01);
    // unadjusted, the rise is flattened: misread off-topic and neutral items dilute worry as it grows
    expect(report.rawRise).toBeLessThan(0.75 * trueRise);
    expect(Math.abs(report.adjustedRise - trueRise)).toBeLessThan(0.02);
  });
});
