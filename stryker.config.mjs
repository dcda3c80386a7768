// @ts-check
/**
 * Mutation testing of Pulse's pure core (npm run mutate; not run in CI, see
 * docs/mutation-testing.md). The tests it runs are the database-free files listed in
 * vitest.mutate.config.ts.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: [
    // src/ingest's pure stages; text.ts and address-check.ts are being rewritten and join later
    'src/ingest/canonical-url.ts',
    'src/ingest/charset.ts',
    'src/ingest/entities.ts',
    'src/ingest/entities-html.ts',
    'src/ingest/normalise.ts',
    'src/ingest/opml.ts',
    'src/ingest/parse.ts',
    'src/ingest/repair.ts',
    'src/ingest/schedule.ts',
    'src/ingest/dedup-plan.ts',
    'src/ingest/health.ts',
    'src/analytics/*.ts',
    'src/classify/metrics.ts',
    'src/util/*.ts',
  ],
  // Stryker rewrites tsconfig.json's extends/references with TypeScript's JS API, which TypeScript 7
  // no longer has (ts.parseConfigFileTextToJson is not a function). Ours has neither, so point the
  // option at a file that does not exist and the rewrite is skipped; tsx never reads types anyway.
  tsconfigFile: 'tsconfig.stryker-skip.json',
  coverageAnalysis: 'perTest',
  concurrency: 2,
  timeoutMS: 10_000,
  incremental: true,
  incrementalFile: 'reports/mutation/incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, maxTestsToLog: 0 },
  thresholds: { high: 90, low: 85, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
