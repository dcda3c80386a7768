import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AREAS, STUDIOS, UNIONS, tagEntities } from '../src/ingest/entities.ts';
import { PatternSet } from '../src/util/pattern-set.ts';

/** What one pattern finds alone: the oracle the single scan must reproduce. */
const alone = (source: string, flags: string, text: string) => text.match(new RegExp(source, `g${flags}`))?.length ?? 0;

// Overlapping on purpose: shared prefixes, one pattern inside another, the same word in two.
const POOL = ['cut', 'cuts?', 'cut costs', 'costs', '\\w+s\\b', 'residuals?', 'pay', 'fair pay', 'a', 'aa', 'a a', 'no jobs?', 'jobs'];
const FRAGMENTS = ['cut', 'cuts', ' ', 'costs', 'residual', 's', 'fair', 'pay', 'a', 'aa', 'no', 'jobs', '-', '.', 'X'];

describe('PatternSet', () => {
  it('counts exactly what each pattern finds alone, for overlapping patterns on random text', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.constantFrom(...POOL), { minLength: 1, maxLength: POOL.length }),
        fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 40 }).map((parts) => parts.join('')),
        fc.constantFrom('', '\\b'),
        (sources, text, lead) => {
          const counts = new PatternSet(sources, '', lead).count(text);
          expect([...counts]).toEqual(sources.map((s) => alone(lead + s, '', text)));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('refuses capture groups and flags that would break the scan', () => {
    expect(() => new PatternSet(['(a)b'])).toThrow(/must not capture/);
    expect(() => new PatternSet(['a'], 'g')).toThrow(/flags/);
    expect(() => new PatternSet(['a'], 'u')).toThrow(/flags/); // a step of one code unit could split a surrogate pair
    expect(new PatternSet(['(?:a)b', '(?<!x)c']).count('ab c xc')).toEqual(Int32Array.from([1, 1]));
  });
});

describe('tagEntities (one scan) agrees with testing every tag on its own', () => {
  const bounded = (alternatives: string[], flags: string) => new RegExp(`(?<![\\w-])(?:${alternatives.join('|')})(?![\\w-])`, flags);
  const oracle = (text: string) => {
    const pick = (tags: typeof STUDIOS) =>
      tags
        .filter((t) => (t.words?.length && bounded(t.words, 'i').test(text)) || (t.acronyms?.length && bounded(t.acronyms, '').test(text)))
        .map((t) => t.name);
    return { studios: pick(STUDIOS), unions: pick(UNIONS), areas: pick(AREAS) };
  };
  // aliases as people write them, with the case and joins that decide a match
  const aliases = [...STUDIOS, ...UNIONS, ...AREAS].flatMap((t) => [
    ...(t.words ?? []).map((w) => w.replace(/\\\w\*|[?()\\]|\(\?:[^)]*\)/g, '')),
    ...(t.acronyms ?? []),
  ]);
  const piece = fc.oneof(
    fc.constantFrom(...aliases),
    fc.constantFrom(...aliases).map((a) => a.toUpperCase()),
    fc.constantFrom(' ', '-', 'x', "'", '.', '\n', 'voice ', 'digital ', 's', 'ea', 'AI'),
  );
  it('on generated texts', () => {
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 30 }).map((p) => p.join('')),
        (text) => {
          const { mentionsAi: _, ...tags } = tagEntities(text);
          expect(tags).toEqual(oracle(text));
        },
      ),
      { numRuns: 3000 },
    );
  });
});
