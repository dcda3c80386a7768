import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // tests that restart the shared PostgreSQL server run alone: vitest.restart.config.ts
    exclude: [...configDefaults.exclude, 'test/restart/**'],
    globalSetup: ['test/helpers/global-setup.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 90_000,
    env: { DOTENV_CONFIG_QUIET: 'true' },
  },
});
