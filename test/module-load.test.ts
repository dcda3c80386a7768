import { describe, expect, it } from 'vitest';

/**
 * Every pure module loads. Imported inside the tests, not at the top: a module that throws while
 * loading (a table that builds a bad pattern, say) then fails a test here instead of making a
 * whole test file vanish from the run.
 */
const MODULES = [
  '../src/ingest/canonical-url.ts',
  '../src/ingest/charset.ts',
  '../src/ingest/entities.ts',
  '../src/ingest/entities-html.ts',
  '../src/ingest/normalise.ts',
  '../src/ingest/opml.ts',
  '../src/ingest/parse.ts',
  '../src/ingest/repair.ts',
  '../src/ingest/schedule.ts',
  '../src/ingest/dedup-plan.ts',
  '../src/ingest/health.ts',
  '../src/analytics/alerts.ts',
  '../src/analytics/buckets.ts',
  '../src/analytics/reaction.ts',
  '../src/analytics/stats.ts',
  '../src/analytics/trends.ts',
  '../src/classify/metrics.ts',
  '../src/util/pattern-set.ts',
  '../src/util/semaphore.ts',
  '../src/util/single-flight.ts',
];

describe('pure modules', () => {
  it.each(MODULES)('%s loads', async (path) => {
    await expect(import(path)).resolves.toBeTypeOf('object');
  });
  it('the entity tagger tags a text right after loading', async () => {
    const { tagEntities } = await import('../src/ingest/entities.ts');
    expect(tagEntities('Netflix and the WGA on generative AI in vfx')).toEqual({
      studios: ['Netflix'],
      unions: ['WGA'],
      areas: ['vfx'],
      mentionsAi: true,
    });
  });
});
