import { defineConfig } from 'vitest/config';

/**
 * The tests StrykerJS runs for every mutant (npm run mutate): pure, database-free and fast, so a
 * full run fits a 2-core machine. No global setup (no PGlite snapshot), no network.
 */
export default defineConfig({
  test: {
    include: [
      'test/ingest-pure.test.ts',
      'test/stats.test.ts',
      'test/buckets.test.ts',
      'test/pattern-set.test.ts',
      'test/fuzz-feeds.test.ts',
      'test/dedup-plan.test.ts',
      'test/source-health.test.ts',
      'test/analytics-pure.test.ts',
      'test/classify-metrics.test.ts',
      'test/util-pure.test.ts',
      'test/opml.test.ts',
      'test/parse.test.ts',
      'test/canonical-url.test.ts',
      'test/charset.test.ts',
      'test/entities-html.test.ts',
      'test/schedule.test.ts',
      'test/normalise.test.ts',
      'test/entities.test.ts',
      'test/module-load.test.ts',
    ],
    pool: 'forks',
    env: { DOTENV_CONFIG_QUIET: 'true' },
  },
});
