import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'e2e/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two cores: one worker per core keeps PostgreSQL and Chromium from starving each other.
    maxWorkers: 2,
    globalSetup: ['test/support/globalSetup.ts'],
  },
});
