/** Statistics used by trends, reactions and alerts. Pure functions, no I/O. */

/** Standard normal cumulative distribution (Abramowitz & Stegun 7.1.26 via erf; |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}

/** Two-sided p-value of a z score. */
export function twoSidedP(z: number): number {
  return Math.min(1, 2 * (1 - normalCdf(Math.abs(z))));
}

export interface Interval {
  value: number;
  low: number;
  high: number;
}

/** A share with its 95% Wilson score interval. An empty sample (0 of 0) is reported as all zeros. */
export function wilson(k: number, n: number, z = 1.959964): Interval {
  if (n === 0) return { value: 0, low: 0, high: 0 };
  const p = k / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  // the bounds are exactly 0 and 1 at the extremes; floating point would miss by an ulp
  return { value: p, low: k === 0 ? 0 : Math.max(0, centre - half), high: k === n ? 1 : Math.min(1, centre + half) };
}

export interface TestResult {
  /** after minus before */
  diff: number;
  z: number;
  p: number;
}

/** Pooled two-proportion z-test of k1/n1 (before) against k2/n2 (after). */
export function twoProportionTest(k1: number, n1: number, k2: number, n2: number): TestResult | null {
  if (n1 === 0 || n2 === 0) return null;
  const p1 = k1 / n1;
  const p2 = k2 / n2;
  const pooled = (k1 + k2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  const diff = p2 - p1;
  if (se === 0) return { diff, z: 0, p: 1 };
  const z = diff / se;
  return { diff, z, p: twoSidedP(z) };
}

/**
 * Difference in net score ((excitement - worry) / total) between two samples, each item scoring
 * +1, 0 or -1, tested with Welch's z on the per-item scores.
 */
export function netScoreTest(
  before: { excitement: number; worry: number; total: number },
  after: { excitement: number; worry: number; total: number },
): TestResult | null {
  if (before.total === 0 || after.total === 0) return null;
  const stats = (s: typeof before) => {
    const mean = (s.excitement - s.worry) / s.total;
    const meanSq = (s.excitement + s.worry) / s.total;
    return { mean, variance: Math.max(0, meanSq - mean * mean) };
  };
  const b = stats(before);
  const a = stats(after);
  const se = Math.sqrt(b.variance / before.total + a.variance / after.total);
  const diff = a.mean - b.mean;
  if (se === 0) return { diff, z: 0, p: diff === 0 ? 1 : 0 };
  const z = diff / se;
  return { diff, z, p: twoSidedP(z) };
}

function logFactorial(k: number): number {
  let s = 0;
  for (let i = 2; i <= k; i++) s += Math.log(i);
  return s;
}

/** P(X = k) for X ~ Poisson(lambda), lambda > 0 (poissonTest answers lambda ≤ 0 itself). */
function poissonPmf(k: number, lambda: number): number {
  return Math.exp(-lambda + k * Math.log(lambda) - logFactorial(k));
}

/**
 * How surprising `observed` is for a Poisson count with mean `expected`: the exact two-sided
 * p-value (sum of outcomes no more likely than the one seen) and the upper tail P(X ≥ observed).
 * Falls back to a normal approximation when the mean is large.
 */
export function poissonTest(observed: number, expected: number): { ratio: number | null; pTwoSided: number; pUpper: number } {
  const ratio = expected > 0 ? observed / expected : null;
  if (expected <= 0) return { ratio, pTwoSided: observed === 0 ? 1 : 0, pUpper: observed === 0 ? 1 : 0 };
  if (expected > 500) {
    const z = (observed - expected) / Math.sqrt(expected);
    return { ratio, pTwoSided: twoSidedP(z), pUpper: 1 - normalCdf((observed - 0.5 - expected) / Math.sqrt(expected)) };
  }
  const seen = poissonPmf(observed, expected);
  const limit = Math.max(observed, Math.ceil(expected + 12 * Math.sqrt(expected) + 20));
  let two = 0;
  let below = 0;
  for (let k = 0; k <= limit; k++) {
    const pk = poissonPmf(k, expected);
    if (pk <= seen * (1 + 1e-9)) two += pk;
    if (k < observed) below += pk;
  }
  return { ratio, pTwoSided: Math.min(1, two), pUpper: Math.min(1, Math.max(0, 1 - below)) };
}

/** Mean and sample standard deviation. */
export function meanSd(values: number[]): { mean: number; sd: number } {
  if (!values.length) return { mean: 0, sd: 0 };
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  if (values.length < 2) return { mean, sd: 0 };
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1);
  return { mean, sd: Math.sqrt(variance) };
}
