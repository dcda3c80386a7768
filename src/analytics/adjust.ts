/**
 * Error-aware shares: adjusted classify-and-count (ACC). Pure functions, no I/O.
 *
 * The model's label counts in a bucket are not the truth: with P(pred = p | truth = t) measured
 * on a hand-coded sample (the misclassification matrix M, rows = truth), the observed
 * distribution of predictions q satisfies q = Mᵀ π for the bucket's true distribution π. ACC
 * solves that system and maps the answer onto the probability simplex (the Euclidean
 * projection, QuaPy's "mapsimplex"), so no share is negative or above 1. Intervals come from a
 * bootstrap over both sources of error: the coded sample (resampled within its strata, giving
 * a new M each time) and the bucket's own items (a multinomial redraw of its counts).
 */
import { percentileInterval, seededRandom } from './random.ts';

export type Matrix = number[][];

/** One coded item: class indexes of the truth and the prediction, its weight and stratum. */
export interface CodedPair {
  truth: number;
  pred: number;
  weight: number;
  stratum?: string;
}

/** P(pred | truth) from weighted coded items; null when some true class has no coded item. */
export function misclassification(pairs: CodedPair[], k: number): Matrix | null {
  const m = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (const p of pairs) m[p.truth]![p.pred]! += p.weight;
  for (const row of m) {
    const s = row.reduce((a, b) => a + b, 0);
    if (s <= 0) return null;
    for (let j = 0; j < k; j++) row[j]! /= s;
  }
  return m;
}

/** Euclidean projection of v onto the probability simplex (sort-based, exact). */
export function projectToSimplex(v: number[]): number[] {
  const u = [...v].sort((a, b) => b - a);
  let css = 0;
  let theta = 0;
  for (let i = 0; i < u.length; i++) {
    css += u[i]!;
    const t = (css - 1) / (i + 1);
    if (u[i]! - t > 0) theta = t;
  }
  return v.map((x) => Math.max(0, x - theta));
}

/** Solves A x = b by Gaussian elimination with partial pivoting; null when A is (nearly) singular. */
export function solve(A: Matrix, b: number[]): number[] | null {
  const n = b.length;
  const w = n + 1;
  const a = new Float64Array(n * w);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) a[i * w + j] = A[i]![j]!;
    a[i * w + n] = b[i]!;
  }
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r * w + c]!) > Math.abs(a[piv * w + c]!)) piv = r;
    if (Math.abs(a[piv * w + c]!) < 1e-9) return null;
    if (piv !== c) {
      for (let j = 0; j < w; j++) {
        const t = a[c * w + j]!;
        a[c * w + j] = a[piv * w + j]!;
        a[piv * w + j] = t;
      }
    }
    const d = a[c * w + c]!;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = a[r * w + c]! / d;
      if (f === 0) continue;
      for (let j = c; j < w; j++) a[r * w + j]! -= f * a[c * w + j]!;
    }
  }
  const x = new Array<number>(n);
  for (let i = 0; i < n; i++) x[i] = a[i * w + n]! / a[i * w + i]!;
  return x;
}

/**
 * The true class distribution behind observed prediction shares q, given M: the solution of
 * Mᵀ π = q projected onto the simplex. A singular M (a class the model never tells apart)
 * falls back to the least-squares solution with a small ridge.
 */
export function adjustShares(M: Matrix, q: number[]): number[] {
  const k = q.length;
  const Mt: Matrix = [];
  for (let p = 0; p < k; p++) {
    const row = new Array<number>(k);
    for (let t = 0; t < k; t++) row[t] = M[t]![p]!;
    Mt.push(row);
  }
  let pi = solve(Mt, q);
  if (!pi) {
    // (M Mᵀ + λI) π = M q
    const A = Array.from({ length: k }, (_, i) =>
      Array.from({ length: k }, (_, j) => M[i]!.reduce((s, _v, p) => s + M[i]![p]! * M[j]![p]!, 0) + (i === j ? 1e-6 : 0)),
    );
    const rhs = Array.from({ length: k }, (_, i) => M[i]!.reduce((s, v, p) => s + v * q[p]!, 0));
    pi = solve(A, rhs) ?? q;
  }
  for (const v of pi) if (v < 0 || v > 1) return projectToSimplex(pi);
  const sum = pi.reduce((a, b) => a + b, 0);
  return Math.abs(sum - 1) < 1e-9 ? pi : projectToSimplex(pi);
}

/** Bootstrap replicates of M: coded items resampled with replacement within their strata. */
export function bootstrapMatrices(pairs: CodedPair[], k: number, reps: number, random: () => number): (Matrix | null)[] {
  const strata = new Map<string, CodedPair[]>();
  for (const p of pairs) {
    const key = p.stratum ?? '';
    let list = strata.get(key);
    if (!list) strata.set(key, (list = []));
    list.push(p);
  }
  // flat arrays per stratum: the cell each item counts in, and its weight
  const groups = [...strata.values()].map((g) => ({
    cell: Int32Array.from(g, (p) => p.truth * k + p.pred),
    weight: Float64Array.from(g, (p) => p.weight),
  }));
  const out: (Matrix | null)[] = [];
  const cells = new Float64Array(k * k);
  for (let r = 0; r < reps; r++) {
    cells.fill(0);
    for (const g of groups) {
      const len = g.cell.length;
      for (let i = 0; i < len; i++) {
        const pick = (random() * len) | 0;
        cells[g.cell[pick]!]! += g.weight[pick]!;
      }
    }
    let m: Matrix | null = [];
    for (let t = 0; t < k && m; t++) {
      let sum = 0;
      for (let j = 0; j < k; j++) sum += cells[t * k + j]!;
      if (sum <= 0) m = null;
      else m.push(Array.from({ length: k }, (_, j) => cells[t * k + j]! / sum));
    }
    out.push(m);
  }
  return out;
}

/** Above this many items a bucket's redraw uses the multinomial's normal approximation. */
export const EXACT_REDRAW_MAX = 100;

/**
 * A multinomial redraw of `counts` (same total), as shares. Up to EXACT_REDRAW_MAX items each
 * item is redrawn; above, shares are drawn from the multinomial's normal approximation
 * (mean q, covariance (diag q − q qᵀ) / n, built from sequential conditional normals) and
 * mapped onto the simplex, which keeps the bootstrap fast for large buckets.
 */
export function redrawShares(counts: number[], random: () => number): number[] {
  const k = counts.length;
  const n = counts.reduce((a, b) => a + b, 0);
  if (!n) return new Array<number>(k).fill(0);
  const q = counts.map((c) => c / n);
  if (n <= EXACT_REDRAW_MAX) {
    const out = new Array<number>(k).fill(0);
    for (let i = 0; i < n; i++) {
      const u = random();
      let c = 0;
      let j = 0;
      while (j < k - 1 && u >= (c += q[j]!)) j++;
      out[j]! += 1 / n;
    }
    return out;
  }
  // sequential: class j given the earlier ones is binomial(n_left, q_j / rest), approximated as normal
  const out = new Array<number>(k).fill(0);
  let left = 1;
  let rest = 1;
  for (let j = 0; j < k - 1; j++) {
    const p = rest > 0 ? Math.min(1, Math.max(0, q[j]! / rest)) : 0;
    const mean = left * p;
    const sd = Math.sqrt((left * p * (1 - p)) / n);
    const x = Math.min(left, Math.max(0, mean + sd * gaussian(random)));
    out[j] = x;
    left -= x;
    rest -= q[j]!;
  }
  out[k - 1] = Math.max(0, left);
  return out;
}

/** A standard normal draw (Box-Muller). */
function gaussian(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** A multinomial redraw of `counts` (same total), item by item. */
export function redrawCounts(counts: number[], random: () => number): number[] {
  const n = counts.reduce((a, b) => a + b, 0);
  const out = new Array<number>(counts.length).fill(0);
  for (let i = 0; i < n; i++) {
    const u = random() * n;
    let c = 0;
    let j = 0;
    while (j < counts.length - 1 && u >= (c += counts[j]!)) j++;
    out[j]!++;
  }
  return out;
}

export interface AdjustedBucket {
  /** the adjusted distribution over the k classes (on the simplex) */
  estimate: number[];
  /** bootstrap replicates of the distribution, one per usable M replicate */
  replicates: number[][];
}

/**
 * Adjusts one bucket's predicted-class counts with M and carries the bootstrap: each replicate
 * uses its own resampled M and a redraw of the bucket's items. Null for an empty bucket.
 */
export function adjustBucket(counts: number[], M: Matrix, matrices: (Matrix | null)[], random: () => number): AdjustedBucket | null {
  const n = counts.reduce((a, b) => a + b, 0);
  if (!n) return null;
  const estimate = adjustShares(
    M,
    counts.map((c) => c / n),
  );
  const replicates: number[][] = [];
  for (const Mb of matrices) {
    if (!Mb) continue;
    replicates.push(adjustShares(Mb, redrawShares(counts, random)));
  }
  return { estimate, replicates };
}

/** A derived figure (a share among some classes, a count) with its 95% bootstrap interval. */
export function derived(b: AdjustedBucket, f: (pi: number[]) => number, digits = 4): { value: number; low: number; high: number } | null {
  const value = f(b.estimate);
  if (!Number.isFinite(value)) return null;
  const ci = percentileInterval(b.replicates.map(f));
  const r = (v: number) => Math.round(v * 10 ** digits) / 10 ** digits;
  return { value: r(value), low: r(Math.min(value, ci?.low ?? value)), high: r(Math.max(value, ci?.high ?? value)) };
}

/** Default number of bootstrap replicates in an answer. */
export const BOOTSTRAP_REPS = 500;

/** Convenience for callers: a seeded generator for one answer, so the same request gives the same intervals. */
export const answerRandom = (seed = 20250717) => seededRandom(seed);
