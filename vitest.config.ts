import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Files that never open a database, or always open an embedded one of their own (validation-cli,
 * quickstart, demo and npm-start run `pulse` on PGlite directories): CI runs the suite twice, on
 * PGlite and on PostgreSQL (TEST_DATABASE_URL), and these give the same answer both times, so the
 * PostgreSQL pass leaves them out. A file that starts touching the database must leave this list.
 * Within other files, `pgliteOnly` (test/helpers/db.ts) does the same for one group of tests.
 */
const DATABASE_FREE = [
  'address-check',
  'adjust-simulation',
  'analytics-pure',
  'buckets',
  'canonical-url',
  'charset',
  'classifier',
  'classify-metrics',
  'classify-text',
  'dedup-plan',
  'demo',
  'entities-html',
  'entities',
  'feed-fixtures',
  'fetcher',
  'fuzz-feeds',
  'hostile-text',
  'html-text',
  'ingest-pure',
  'layering',
  'lowo',
  'module-load',
  'normalise',
  'npm-start',
  'opml',
  'parse',
  'pattern-set',
  'pglite-yield',
  'progress',
  'quickstart',
  'reaction',
  'schedule',
  'source-health',
  'stats',
  'util-pure',
  'validation-cli',
  'validation-pure',
].map((name) => `test/${name}.test.ts`);

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // tests that restart the shared PostgreSQL server run alone: vitest.restart.config.ts
    exclude: [...configDefaults.exclude, 'test/restart/**', ...(process.env.TEST_DATABASE_URL ? DATABASE_FREE : [])],
    globalSetup: ['test/helpers/global-setup.ts'],
    pool: 'forks',
    isolate: false,
    // vitest's default is one worker fewer than the cores: one file at a time on a 2-core machine,
    // while the slowest files mostly wait on child processes and timers
    maxWorkers: 2,
    // a limit for hangs, not a speed target: with two files at once on a busy shared machine a test
    // can take several times its usual time
    testTimeout: 120_000,
    hookTimeout: 90_000,
    env: { DOTENV_CONFIG_QUIET: 'true' },
  },
});
