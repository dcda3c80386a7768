/** Seeded pseudo-random numbers, so samples and bootstraps can be reproduced. Pure, no I/O. */

/** mulberry32: a small, fast 32-bit generator; the same seed gives the same stream everywhere. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** k distinct elements of `list` in random order (partial Fisher-Yates; `list` is not changed). */
export function drawWithoutReplacement<T>(list: readonly T[], k: number, random: () => number): T[] {
  const a = list.slice();
  const n = Math.min(k, a.length);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (a.length - i));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a.slice(0, n);
}

/** The p-quantile of sorted values (linear interpolation between order statistics). */
export function quantile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** A 95% percentile interval from bootstrap replicates (NaN replicates are left out). */
export function percentileInterval(values: number[]): { low: number; high: number } | null {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  return { low: quantile(v, 0.025), high: quantile(v, 0.975) };
}
