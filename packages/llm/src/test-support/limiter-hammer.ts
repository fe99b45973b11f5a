/**
 * A child process for the two-process limiter test: builds a model registry on the shared
 * Redis, fires calls at the simulator as fast as its concurrency allows, and prints one JSON
 * line with the Redis-clock time of every admission. Run with `node --import tsx`.
 */
import { createRedisConnection } from '@parley/core';
import { createModelRegistry } from '../model-registry';
import { testRunConfig } from './test-config';

const environment = process.env;
const calls = Number(environment.PARLEY_TEST_CALLS ?? 10);
const concurrency = Number(environment.PARLEY_TEST_CONCURRENCY ?? 4);
const admitted: number[] = [];
const redis = createRedisConnection();
const registry = createModelRegistry({
  config: testRunConfig({
    sim: {
      provider: 'simulator',
      model: 'parley-sim',
      limits: { requestsPerMinute: Number(environment.PARLEY_TEST_RPM ?? 10) },
    },
  }),
  redis,
  prefix: environment.PARLEY_TEST_PREFIX!,
  runId: 'limiter-hammer',
  simulatorUrl: environment.PARLEY_TEST_SIMULATOR_URL!,
  limiter: {
    windowMs: Number(environment.PARLEY_TEST_WINDOW_MS ?? 1000),
    onAdmit: ({ permit }) => admitted.push(permit.admittedAt),
  },
});
const model = registry.languageModel('sim');
let next = 0;
const errors: string[] = [];
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < calls) {
      const index = next++;
      try {
        await model.generateText({ messages: [{ role: 'user', content: `call ${process.pid} ${index}` }] });
      } catch (error) {
        errors.push(String(error));
      }
    }
  }),
);
process.stdout.write(`${JSON.stringify({ pid: process.pid, admitted, errors })}\n`);
await redis.quit();
