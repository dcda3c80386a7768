import { describe, expect, it } from 'vitest';
import { meanSd, netScoreTest, normalCdf, poissonTest, twoProportionTest, twoSidedP, wilson } from '../src/analytics/stats.ts';

describe('statistics', () => {
  it('normal CDF matches tabulated values', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.96)).toBeCloseTo(0.975002, 5);
    expect(normalCdf(-1.6449)).toBeCloseTo(0.05, 4);
    expect(twoSidedP(1.959964)).toBeCloseTo(0.05, 5);
  });

  it('Wilson intervals match published values', () => {
    // 81 of 263: Wilson 95% interval 0.2553 to 0.3662 (Newcombe 1998, example)
    const w = wilson(81, 263);
    expect(w.value).toBeCloseTo(0.30798, 4);
    expect(w.low).toBeCloseTo(0.2553, 3);
    expect(w.high).toBeCloseTo(0.3662, 3);
    const zero = wilson(0, 10);
    expect(zero.low).toBe(0);
    expect(zero.high).toBeCloseTo(0.2775, 3);
    expect(wilson(0, 0)).toEqual({ value: 0, low: 0, high: 0 });
    const all = wilson(10, 10);
    expect(all.high).toBe(1);
  });

  it('two-proportion z-test: pooled standard error', () => {
    // 30/100 vs 45/100: pooled p = .375, se = sqrt(.375*.625*.02) = .068465, z = 2.1909
    const t = twoProportionTest(30, 100, 45, 100)!;
    expect(t.diff).toBeCloseTo(0.15, 10);
    expect(t.z).toBeCloseTo(2.1909, 3);
    expect(t.p).toBeCloseTo(0.02846, 3);
    expect(twoProportionTest(0, 0, 1, 2)).toBeNull();
    expect(twoProportionTest(5, 10, 5, 10)!.p).toBeCloseTo(1, 6);
  });

  it('net score test on per-item scores', () => {
    // before: 20 excited, 20 worried of 80 (net 0); after: 10 excited, 40 worried of 80 (net -0.375)
    const t = netScoreTest({ excitement: 20, worry: 20, total: 80 }, { excitement: 10, worry: 40, total: 80 })!;
    expect(t.diff).toBeCloseTo(-0.375, 10);
    // variances: before .5 - 0 = .5; after .625 - .140625 = .484375; se = sqrt(.5/80 + .484375/80) = .110932
    expect(t.z).toBeCloseTo(-0.375 / 0.110932, 3);
    expect(t.p).toBeLessThan(0.001);
  });

  it('Poisson test: exact tails for small means', () => {
    // X ~ Poisson(2): P(X >= 6) = 1 - P(X <= 5) = 0.016564
    const t = poissonTest(6, 2);
    expect(t.pUpper).toBeCloseTo(0.016564, 5);
    expect(t.ratio).toBe(3);
    expect(poissonTest(2, 2).pTwoSided).toBeCloseTo(1, 6);
    expect(poissonTest(0, 0)).toEqual({ ratio: null, pTwoSided: 1, pUpper: 1 });
    // large means use the normal approximation
    expect(poissonTest(1100, 1000).pTwoSided).toBeCloseTo(twoSidedP(100 / Math.sqrt(1000)), 6);
  });

  it('mean and sample standard deviation', () => {
    expect(meanSd([2, 4, 4, 4, 5, 5, 7, 9])).toEqual({ mean: 5, sd: Math.sqrt(32 / 7) });
    expect(meanSd([])).toEqual({ mean: 0, sd: 0 });
  });
});
