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

describe('statistics at their edges', () => {
  it('normal CDF is symmetric and right in both tails', () => {
    expect(normalCdf(-1.96)).toBeCloseTo(0.024998, 5);
    expect(normalCdf(3)).toBeCloseTo(0.99865, 5);
    expect(normalCdf(-3)).toBeCloseTo(0.00135, 5);
    expect(normalCdf(-0.5) + normalCdf(0.5)).toBeCloseTo(1, 9);
    expect(normalCdf(8)).toBeCloseTo(1, 9);
  });

  it('two-sided p is the same for a rise and a fall, and 1 at z = 0', () => {
    expect(twoSidedP(-1.959964)).toBeCloseTo(0.05, 5);
    expect(twoSidedP(-2.5)).toBe(twoSidedP(2.5));
    expect(twoSidedP(0)).toBeCloseTo(1, 8);
  });

  it('Wilson interval for a share inside (0, 1), at a custom z', () => {
    // 1 of 3: centre and half-width from the Wilson formula with z = 1.96 and z = 2.5758
    expect(wilson(1, 3)).toEqual({ value: 1 / 3, low: expect.closeTo(0.061492, 5), high: expect.closeTo(0.79234, 5) });
    const wide = wilson(1, 3, 2.5758);
    expect(wide.low).toBeCloseTo(0.040427, 5);
    expect(wide.high).toBeCloseTo(0.855782, 5);
  });

  it('two-proportion test: null when either side is empty, p = 1 with no variance at all', () => {
    expect(twoProportionTest(1, 2, 0, 0)).toBeNull();
    expect(twoProportionTest(0, 10, 0, 10)).toEqual({ diff: 0, z: 0, p: 1 });
    expect(twoProportionTest(10, 10, 5, 5)).toEqual({ diff: 0, z: 0, p: 1 });
  });

  it('two-proportion test gives a fall a negative z', () => {
    const t = twoProportionTest(45, 100, 30, 100)!;
    expect(t.diff).toBeCloseTo(-0.15, 10);
    expect(t.z).toBeCloseTo(-2.1909, 3);
    expect(t.p).toBeCloseTo(0.02846, 3);
  });

  it('net score test: null for an empty side; with no variance, p is 0 for a change and 1 for none', () => {
    expect(netScoreTest({ excitement: 0, worry: 0, total: 0 }, { excitement: 1, worry: 0, total: 1 })).toBeNull();
    expect(netScoreTest({ excitement: 1, worry: 0, total: 1 }, { excitement: 0, worry: 0, total: 0 })).toBeNull();
    expect(netScoreTest({ excitement: 10, worry: 0, total: 10 }, { excitement: 0, worry: 10, total: 10 })).toEqual({
      diff: -2,
      z: 0,
      p: 0,
    });
    expect(netScoreTest({ excitement: 0, worry: 0, total: 4 }, { excitement: 0, worry: 0, total: 9 })).toEqual({ diff: 0, z: 0, p: 1 });
  });

  it('net score test counts neutral items as zero, not as missing', () => {
    // before: 2 excited of 4 (net .5, mean square .5, variance .25); after: 2 excited of 8 (net .25, variance .25 - .0625)
    const t = netScoreTest({ excitement: 2, worry: 0, total: 4 }, { excitement: 2, worry: 0, total: 8 })!;
    expect(t.diff).toBeCloseTo(-0.25, 10);
    expect(t.z).toBeCloseTo(-0.25 / Math.sqrt(0.25 / 4 + 0.1875 / 8), 10);
  });

  it('Poisson test with no expected count: p = 1 only for zero observed', () => {
    expect(poissonTest(3, 0)).toEqual({ ratio: null, pTwoSided: 0, pUpper: 0 });
    expect(poissonTest(0, -1)).toEqual({ ratio: null, pTwoSided: 1, pUpper: 1 });
  });

  it('Poisson test: a fall is surprising two-sided but not in the upper tail', () => {
    // X ~ Poisson(3): P(0) = .049787; outcomes as unlikely: 0 and 7+ → .083296
    const t = poissonTest(0, 3);
    expect(t.ratio).toBe(0);
    expect(t.pTwoSided).toBeCloseTo(0.083296, 5);
    expect(t.pUpper).toBe(1);
  });

  it('Poisson test: exact up to a mean of 500, normal approximation above', () => {
    // exact: P(X ≥ 540 | 500) = .039945, two-sided .077238 (the normal approximation gives .038656 and .073638)
    const exact = poissonTest(540, 500);
    expect(exact.pUpper).toBeCloseTo(0.039945, 5);
    expect(exact.pTwoSided).toBeCloseTo(0.077238, 5);
    const approx = poissonTest(541, 501);
    expect(approx.pTwoSided).toBe(twoSidedP(40 / Math.sqrt(501)));
    expect(approx.pUpper).toBe(1 - normalCdf(39.5 / Math.sqrt(501)));
  });

  it('Poisson test counts outcomes beyond the usual range when the observation is far out', () => {
    // observed far above mean + 12 sd + 20: the two-sided p still holds the observation's own tiny mass
    // (the upper tail, 1 − P(X < 60), bottoms out at double precision)
    const t = poissonTest(60, 2);
    expect(t.pUpper).toBeLessThan(1e-15);
    expect(t.pTwoSided).toBeGreaterThan(0);
    expect(t.pTwoSided).toBeLessThan(1e-40);
  });

  it('Poisson test: a count right at the mean is not surprising', () => {
    const t = poissonTest(4, 4);
    expect(t.pTwoSided).toBeCloseTo(1, 6);
    // P(X ≥ 4 | 4) = 1 − P(X ≤ 3) = .56653
    expect(t.pUpper).toBeCloseTo(0.56653, 5);
  });

  it('mean and sd of one value, and of two', () => {
    expect(meanSd([3])).toEqual({ mean: 3, sd: 0 });
    expect(meanSd([1, 3])).toEqual({ mean: 2, sd: Math.SQRT2 });
  });
});
