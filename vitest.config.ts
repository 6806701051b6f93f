import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'adapters/*/test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Two cores: more workers only contend; each file starts its own servers on free ports.
    maxWorkers: 2,
    reporters: ['default', './test/support/summary-reporter.ts'],
    // One PostgreSQL and one Redis server for the run (IMBRIDGE_TEST_POSTGRES_URL and
    // IMBRIDGE_TEST_REDIS_URL, or throwaway ones).
    globalSetup: ['./test/support/postgres-global-setup.ts', './test/support/redis-global-setup.ts'],
  },
});
