/**
 * Agreement between coders and accuracy of the model against them. Pure functions, no I/O.
 * Intervals: Wilson for proportions (on the Kish effective size when items are weighted),
 * a seeded percentile bootstrap over items for F1, kappa and alpha.
 */
import { percentileInterval, seededRandom } from './random.ts';
import { wilson, type Interval } from './stats.ts';

const round = (v: number) => Math.round(v * 10_000) / 10_000;
const BOOTSTRAP = 1000;

/** A share with a Wilson interval on the effective sample size; null when nothing to divide. */
export function weightedShare(hit: number, total: number, nEff: number): Interval | null {
  if (total <= 0 || nEff <= 0) return null;
  const p = hit / total;
  const w = wilson(p * nEff, nEff);
  return { value: round(p), low: round(w.low), high: round(w.high) };
}

/** Kish's effective sample size of a set of weights: (Σw)² / Σw². */
export function effectiveSize(weights: number[]): number {
  const s = weights.reduce((a, b) => a + b, 0);
  const s2 = weights.reduce((a, b) => a + b * b, 0);
  return s2 > 0 ? (s * s) / s2 : 0;
}

/** A unit coded by several coders: each coder's value (coders who did not code it are absent). */
export type Unit<T extends string> = T[];

/**
 * Krippendorff's alpha for nominal data, any number of coders, missing values allowed:
 * 1 − D_o/D_e from the coincidence matrix of units with at least two values. Null when no unit
 * has two values or every value is the same (expected disagreement 0).
 */
export function krippendorffAlpha<T extends string>(units: Unit<T>[]): number | null {
  const o = new Map<string, number>();
  const nc = new Map<T, number>();
  for (const u of units) {
    const m = u.length;
    if (m < 2) continue;
    const counts = new Map<T, number>();
    for (const v of u) counts.set(v, (counts.get(v) ?? 0) + 1);
    for (const [c, nc_u] of counts) {
      nc.set(c, (nc.get(c) ?? 0) + nc_u);
      for (const [k, nk_u] of counts) {
        const pairs = c === k ? nc_u * (nc_u - 1) : nc_u * nk_u;
        o.set(`${c}\u0000${k}`, (o.get(`${c}\u0000${k}`) ?? 0) + pairs / (m - 1));
      }
    }
  }
  const n = [...nc.values()].reduce((a, b) => a + b, 0);
  if (n < 2) return null;
  let observed = 0;
  for (const [key, v] of o) {
    const [c, k] = key.split('\u0000');
    if (c !== k) observed += v;
  }
  let expected = 0;
  for (const [c, a] of nc) for (const [k, b] of nc) if (c !== k) expected += a * b;
  if (expected === 0) return null;
  return 1 - ((n - 1) * observed) / expected;
}

/** Cohen's kappa for two coders' values on the same items; null when chance agreement is 1. */
export function cohenKappa<T extends string>(pairs: [T, T][]): number | null {
  if (!pairs.length) return null;
  const a = new Map<T, number>();
  const b = new Map<T, number>();
  let agree = 0;
  for (const [x, y] of pairs) {
    a.set(x, (a.get(x) ?? 0) + 1);
    b.set(y, (b.get(y) ?? 0) + 1);
    if (x === y) agree++;
  }
  const n = pairs.length;
  let chance = 0;
  for (const [k, v] of a) chance += (v / n) * ((b.get(k) ?? 0) / n);
  if (chance >= 1) return null;
  return (agree / n - chance) / (1 - chance);
}

/** A statistic over items with a percentile-bootstrap 95% interval (resampling items, seeded). */
export function withBootstrap<U>(
  units: U[],
  stat: (units: U[]) => number | null,
  seed = 1,
  reps = BOOTSTRAP,
): { value: number; low: number; high: number } | null {
  const value = stat(units);
  if (value === null || !units.length) return null;
  const random = seededRandom(seed);
  const draws: number[] = [];
  for (let r = 0; r < reps; r++) {
    const resample = units.map(() => units[Math.floor(random() * units.length)]!);
    const v = stat(resample);
    if (v !== null) draws.push(v);
  }
  const ci = percentileInterval(draws);
  return { value: round(value), low: round(ci?.low ?? value), high: round(ci?.high ?? value) };
}

/** One judged item: the truth (coders' consensus), the model's prediction, and the item's weight. */
export interface Judged<T extends string> {
  truth: T;
  pred: T;
  weight: number;
}

/** Weighted confusion table: rows are the truth, columns the prediction. */
export function confusionTable<T extends string>(items: Judged<T>[], classes: readonly T[]): Record<T, Record<T, number>> {
  const m = Object.fromEntries(classes.map((t) => [t, Object.fromEntries(classes.map((p) => [p, 0]))])) as Record<T, Record<T, number>>;
  for (const i of items) if (m[i.truth] && m[i.truth][i.pred] !== undefined) m[i.truth][i.pred] += i.weight;
  return m;
}

function f1Of<T extends string>(items: Judged<T>[], k: T): number | null {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const i of items) {
    if (i.pred === k && i.truth === k) tp += i.weight;
    else if (i.pred === k) fp += i.weight;
    else if (i.truth === k) fn += i.weight;
  }
  return tp + fp + fn > 0 ? (2 * tp) / (2 * tp + fp + fn) : null;
}

export interface ClassReport {
  precision: Interval | null;
  recall: Interval | null;
  f1: Interval | null;
  /** coded items whose consensus is this class */
  support: number;
}

export interface AccuracyReport<T extends string> {
  n: number;
  accuracy: Interval | null;
  macroF1: Interval | null;
  perClass: Record<T, ClassReport>;
  confusion: Record<T, Record<T, number>>;
}

/**
 * The model against the truth: accuracy, per-class precision, recall and F1, macro-F1 and the
 * confusion table, all weighted (a stratified sample's weights make them stand for the population).
 */
export function accuracyReport<T extends string>(items: Judged<T>[], classes: readonly T[], seed = 1): AccuracyReport<T> {
  const weights = items.map((i) => i.weight);
  const total = weights.reduce((a, b) => a + b, 0);
  const hits = items.filter((i) => i.truth === i.pred);
  const accuracy = weightedShare(
    hits.reduce((a, i) => a + i.weight, 0),
    total,
    effectiveSize(weights),
  );
  const perClass = {} as Record<T, ClassReport>;
  for (const k of classes) {
    const predicted = items.filter((i) => i.pred === k);
    const actual = items.filter((i) => i.truth === k);
    const tp = items.filter((i) => i.pred === k && i.truth === k).reduce((a, i) => a + i.weight, 0);
    const sum = (list: Judged<T>[]) => list.reduce((a, i) => a + i.weight, 0);
    perClass[k] = {
      precision: weightedShare(tp, sum(predicted), effectiveSize(predicted.map((i) => i.weight))),
      recall: weightedShare(tp, sum(actual), effectiveSize(actual.map((i) => i.weight))),
      f1: withBootstrap(items, (u) => f1Of(u, k), seed),
      support: actual.length,
    };
  }
  const macro = (u: Judged<T>[]) => {
    const f = classes.map((k) => f1Of(u, k)).filter((v): v is number => v !== null);
    return f.length ? f.reduce((a, b) => a + b, 0) / f.length : null;
  };
  return { n: items.length, accuracy, macroF1: withBootstrap(items, macro, seed), perClass, confusion: confusionTable(items, classes) };
}

/** Precision, recall and F1 of a yes/no decision (relevance, one concern) against the truth, weighted. */
export function binaryReport(items: { truth: boolean; pred: boolean; weight: number }[], seed = 1) {
  const tp = items.filter((i) => i.truth && i.pred);
  const predicted = items.filter((i) => i.pred);
  const actual = items.filter((i) => i.truth);
  const sum = (l: typeof items) => l.reduce((a, i) => a + i.weight, 0);
  const f1 = (u: typeof items) => {
    const t = sum(u.filter((i) => i.truth && i.pred));
    const d = sum(u.filter((i) => i.pred)) + sum(u.filter((i) => i.truth));
    return d > 0 ? (2 * t) / d : null;
  };
  return {
    n: items.length,
    precision: weightedShare(sum(tp), sum(predicted), effectiveSize(predicted.map((i) => i.weight))),
    recall: weightedShare(sum(tp), sum(actual), effectiveSize(actual.map((i) => i.weight))),
    f1: withBootstrap(items, f1, seed),
  };
}

/**
 * The consensus of several coders' values: the strict majority, or null on a tie (no consensus,
 * so the item neither overrides the model nor counts in accuracy).
 */
export function majority<T extends string | boolean>(values: T[]): T | null {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: T | null = null;
  let bestN = 0;
  let tie = false;
  for (const [v, n] of counts) {
    if (n > bestN) [best, bestN, tie] = [v, n, false];
    else if (n === bestN) tie = true;
  }
  return tie ? null : best;
}
