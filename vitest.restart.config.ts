import { defineConfig } from 'vitest/config';

/**
 * Tests that stop and start the local PostgreSQL server itself. They run on their own, after
 * the main suites (see .ci/run), because every other test file shares that server.
 */
export default defineConfig({
  test: {
    include: ['test/restart/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 90_000,
    env: { DOTENV_CONFIG_QUIET: 'true' },
  },
});
