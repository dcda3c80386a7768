import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // tests that restart the shared PostgreSQL server run alone: vitest.restart.config.ts
    exclude: [...configDefaults.exclude, 'test/restart/**'],
    globalSetup: ['test/helpers/global-setup.ts'],
    pool: 'forks',
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
