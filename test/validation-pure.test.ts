import { describe, expect, it } from 'vitest';
import { accuracyReport, binaryReport, cohenKappa, krippendorffAlpha, majority } from '../src/analytics/agreement.ts';
import { consensusOf } from '../src/analytics/consensus.ts';
import { drawSample } from '../src/analytics/sampling.ts';
import { parseCsv, readAnnotationCsv } from '../src/services/annotation-csv.ts';
import { STANCES } from '../src/labels.ts';

describe('drawSample', () => {
  const pop = Array.from({ length: 1000 }, (_, i) => ({ id: i + 1, stratum: i < 900 ? 'neutral' : i < 970 ? 'worry' : 'excitement' }));
  it('is reproducible from its seed and independent of input order', () => {
    const a = drawSample(pop, 60, 42);
    const b = drawSample([...pop].reverse(), 60, 42);
    expect(a.items).toEqual(b.items);
    expect(drawSample(pop, 60, 43).items).not.toEqual(a.items);
    expect(new Set(a.items.map((i) => i.id)).size).toBe(60);
  });
  it("stratifies with equal allocation, gives a small stratum's spare places to the others, and records weights", () => {
    const s = drawSample(pop, 120, 1);
    const by = Object.fromEntries(s.strata.map((x) => [x.stratum, x]));
    expect(by.excitement!.sampled).toBe(30); // all 30 of the smallest stratum
    expect(by.worry!.sampled + by.neutral!.sampled).toBe(90);
    expect(by.worry!.sampled).toBe(45);
    expect(by.neutral!.weight).toBeCloseTo(900 / 45);
    expect(by.excitement!.weight).toBe(1);
    // weights make the sample stand for the population
    expect(s.items.reduce((a, i) => a + i.weight, 0)).toBeCloseTo(1000);
  });
  it('an unstratified sample has equal weights N/n; asking for more than there is gives everything', () => {
    const s = drawSample(
      pop.map((p) => ({ ...p, stratum: 'all' })),
      50,
      3,
    );
    expect(s.items.every((i) => i.weight === 20)).toBe(true);
    expect(drawSample(pop.slice(0, 5), 50, 3).items).toHaveLength(5);
  });
});

describe('agreement', () => {
  it("Krippendorff's alpha matches the reliability-data example (nominal, 4 coders, missing values): 0.743", () => {
    const units = [
      ['1', '1', '1'],
      ['2', '2', '3', '2'],
      ['3', '3', '3', '3'],
      ['3', '3', '3', '3'],
      ['2', '2', '2', '2'],
      ['1', '2', '3', '4'],
      ['4', '4', '4', '4'],
      ['1', '1', '2', '1'],
      ['2', '2', '2', '2'],
      ['5', '5', '5'],
      ['1', '1'],
      ['3'],
    ];
    expect(krippendorffAlpha(units)).toBeCloseTo(0.743, 3);
    expect(
      krippendorffAlpha([
        ['a', 'a'],
        ['a', 'a'],
      ]),
    ).toBeNull();
    expect(
      krippendorffAlpha([
        ['a', 'b'],
        ['b', 'a'],
      ]),
    ).toBeLessThan(0);
  });
  it("Cohen's kappa: 20/5/10/15 gives 0.4", () => {
    const pairs: [string, string][] = [
      ...Array.from({ length: 20 }, () => ['y', 'y'] as [string, string]),
      ...Array.from({ length: 5 }, () => ['y', 'n'] as [string, string]),
      ...Array.from({ length: 10 }, () => ['n', 'y'] as [string, string]),
      ...Array.from({ length: 15 }, () => ['n', 'n'] as [string, string]),
    ];
    expect(cohenKappa(pairs)).toBeCloseTo(0.4, 10);
    expect(cohenKappa([])).toBeNull();
  });
  it('accuracy report: precision, recall, F1 and the confusion table, weighted', () => {
    const items = [
      ...Array.from({ length: 8 }, () => ({ truth: 'worry' as const, pred: 'worry' as const, weight: 1 })),
      ...Array.from({ length: 2 }, () => ({ truth: 'worry' as const, pred: 'neutral' as const, weight: 1 })),
      ...Array.from({ length: 4 }, () => ({ truth: 'neutral' as const, pred: 'worry' as const, weight: 1 })),
      ...Array.from({ length: 6 }, () => ({ truth: 'neutral' as const, pred: 'neutral' as const, weight: 1 })),
    ];
    const r = accuracyReport(items, STANCES);
    expect(r.accuracy!.value).toBe(0.7);
    expect(r.perClass.worry.precision!.value).toBeCloseTo(8 / 12, 4);
    expect(r.perClass.worry.recall!.value).toBe(0.8);
    expect(r.perClass.worry.f1!.value).toBeCloseTo(16 / 22, 4);
    expect(r.perClass.worry.f1!.low).toBeLessThan(r.perClass.worry.f1!.value);
    expect(r.perClass.excitement.precision).toBeNull(); // nothing predicted: no precision, not 0
    expect(r.confusion.neutral.worry).toBe(4);
    // weighting the neutral stratum up makes worry precision fall
    const w = accuracyReport(
      items.map((i) => ({ ...i, weight: i.truth === 'neutral' ? 3 : 1 })),
      STANCES,
    );
    expect(w.perClass.worry.precision!.value).toBeCloseTo(8 / 20, 4);
    expect(w.accuracy!.value).toBeCloseTo(26 / 40, 4);
  });
  it('binary report: relevance precision and recall', () => {
    const r = binaryReport([
      { truth: true, pred: true, weight: 1 },
      { truth: false, pred: true, weight: 1 },
      { truth: false, pred: true, weight: 1 },
      { truth: true, pred: false, weight: 1 },
    ]);
    expect(r.precision!.value).toBeCloseTo(1 / 3, 4);
    expect(r.recall!.value).toBe(0.5);
  });
});

describe('consensus', () => {
  const l = (coder: string, stance: 'worry' | 'neutral' | 'excitement', relevant = true, concerns: ('pay' | 'compensation')[] = []) => ({
    coder,
    stance,
    relevant,
    concerns: concerns as never[],
  });
  it('takes the strict majority; a tie is no consensus; off-topic is neutral; concerns need more than half', () => {
    expect(majority(['a', 'a', 'b'])).toBe('a');
    expect(majority(['a', 'b'])).toBeNull();
    expect(consensusOf([l('x', 'worry', true, ['compensation']), l('y', 'worry'), l('z', 'neutral', true, ['compensation'])])).toEqual({
      relevant: true,
      stance: 'worry',
      concerns: ['compensation'],
      coders: 3,
    });
    expect(consensusOf([l('x', 'worry'), l('y', 'neutral')])).toBeNull();
    expect(consensusOf([l('x', 'worry', false)])).toEqual({ relevant: false, stance: 'neutral', concerns: [], coders: 1 });
    expect(consensusOf([])).toBeNull();
  });
});

describe('annotation CSV', () => {
  it('parses quoted fields and reports every bad row by line', () => {
    expect(parseCsv('a,"b,c","d ""e"""\r\n1,2,3\n')).toEqual([
      ['a', 'b,c', 'd "e"'],
      ['1', '2', '3'],
    ]);
    const ok = readAnnotationCsv(
      'item_id,coder,stance,relevant,concerns\n5,ana,worry,true,compensation;training_data\n6,ana,neutral,false,\n',
    );
    expect(ok.errors).toEqual([]);
    expect(ok.rows[0]).toMatchObject({
      itemId: 5,
      coder: 'ana',
      stance: 'worry',
      relevant: true,
      concerns: ['compensation', 'training_data'],
    });
    const bad = readAnnotationCsv('item_id,coder,stance,relevant\nx,ana,worry,true\n7,ana,angry,maybe\n');
    expect(bad.rows).toEqual([]);
    expect(bad.errors[0]).toMatch(/^line 2: item_id/);
    expect(bad.errors[1]).toMatch(/^line 3: stance .*relevant/);
    expect(readAnnotationCsv('coder,stance\n').errors).toEqual(['missing column item_id', 'missing column relevant']);
  });
});
