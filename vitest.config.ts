import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    // Generous: e2e tests start real processes, and CI machines are busy.
    testTimeout: 60_000,
    hookTimeout: 30_000,
    // Two cores: integration tests share one Redis and spawn processes; keep parallelism modest.
    maxWorkers: 2,
    // The response cache is on by default and outlives runs: a test's answers must not come from
    // an earlier test's. Tests of the cache turn it back on with their own folder.
    env: { PARLEY_CACHE: 'off' },
  },
});
