import { describe, expect, it } from 'vitest';
import { binaryReport, multiClassReport } from '../src/classify/metrics.ts';

const LABELS = ['excitement', 'worry', 'neutral'] as const;

describe('multiClassReport', () => {
  it('computes per-class and macro scores exactly', () => {
    const r = multiClassReport(['a', 'b'] as const, ['a', 'a', 'b', 'b'], ['a', 'b', 'b', 'b']);
    expect(r.n).toBe(4);
    expect(r.accuracy).toBe(0.75);
    expect(r.perClass.a).toEqual({ precision: 1, recall: 0.5, f1: 0.6667, support: 2 });
    expect(r.perClass.b).toEqual({ precision: 0.6667, recall: 1, f1: 0.8, support: 2 });
    expect(r.macroF1).toBe(0.7333);
    expect(r.confusion).toEqual({ a: { a: 1, b: 1 }, b: { a: 0, b: 2 } });
  });

  it('fills the confusion matrix gold by predicted, with zeros for pairs never seen', () => {
    const r = multiClassReport(LABELS, ['worry', 'worry', 'neutral'], ['excitement', 'worry', 'excitement']);
    expect(r.confusion).toEqual({
      excitement: { excitement: 0, worry: 0, neutral: 0 },
      worry: { excitement: 1, worry: 1, neutral: 0 },
      neutral: { excitement: 1, worry: 0, neutral: 0 },
    });
  });

  it('gives a class that is never predicted nor present zero scores, and counts it in the macro average', () => {
    const r = multiClassReport(LABELS, ['worry', 'excitement'], ['worry', 'excitement']);
    expect(r.perClass.neutral).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
    expect(r.accuracy).toBe(1);
    expect(r.macroF1).toBe(0.6667); // (1 + 1 + 0) / 3
  });

  it('scores precision from the predicted column and recall from the gold row', () => {
    // worry: predicted 4 times (3 right), gold 5 times → precision 0.75, recall 0.6
    const gold = ['worry', 'worry', 'worry', 'worry', 'worry', 'neutral'] as const;
    const pred = ['worry', 'worry', 'worry', 'neutral', 'neutral', 'worry'] as const;
    const r = multiClassReport(LABELS, [...gold], [...pred]);
    expect(r.perClass.worry).toEqual({ precision: 0.75, recall: 0.6, f1: 0.6667, support: 5 });
    expect(r.perClass.neutral).toEqual({ precision: 0, recall: 0, f1: 0, support: 1 });
    expect(r.accuracy).toBe(0.5);
  });

  it('reports an empty evaluation as zeros, not NaN', () => {
    const r = multiClassReport(LABELS, [], []);
    expect(r.n).toBe(0);
    expect(r.accuracy).toBe(0);
    expect(r.macroF1).toBe(0);
  });
});

describe('binaryReport', () => {
  it('counts true positives, false positives and false negatives, ignoring true negatives', () => {
    expect(binaryReport([true, false, true, false], [true, true, false, false])).toEqual({
      precision: 0.5,
      recall: 0.5,
      f1: 0.5,
      support: 2,
    });
  });
  it('separates precision from recall', () => {
    // 1 hit, 2 false alarms, 0 misses
    expect(binaryReport([true, false, false], [true, true, true])).toEqual({ precision: 0.3333, recall: 1, f1: 0.5, support: 1 });
    // 1 hit, 0 false alarms, 3 misses
    expect(binaryReport([true, true, true, true], [true, false, false, false])).toEqual({
      precision: 1,
      recall: 0.25,
      f1: 0.4,
      support: 4,
    });
  });
  it('gives zeros when nothing is positive', () => {
    expect(binaryReport([false, false], [false, false])).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
  });
});
