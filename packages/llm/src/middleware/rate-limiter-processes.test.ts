import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RunningSimulator, startSimulator } from '@parley/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxInAnyWindow } from '../test-support/max-in-any-window';
import { createTestRedis, type TestRedis } from '../test-support/test-redis';

const here = path.dirname(fileURLToPath(import.meta.url));
const repositoryRoot = path.resolve(here, '../../../..');
const hammer = path.resolve(here, '../test-support/limiter-hammer.ts');

let testRedis: TestRedis;
let simulator: RunningSimulator;
beforeAll(async () => {
  testRedis = createTestRedis();
  simulator = await startSimulator({ seed: 5 });
});
afterAll(async () => {
  await simulator.close();
  await testRedis.cleanup();
});

function runHammer(environment: Record<string, string>): Promise<{ admitted: number[]; errors: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', hammer], {
      cwd: repositoryRoot,
      env: { ...process.env, ...environment },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let errorOutput = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      errorOutput += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`limiter-hammer exited with ${code}: ${errorOutput}`));
      else resolve(JSON.parse(output.trim().split('\n').pop()!));
    });
  });
}

describe('RateLimiter shared by two processes', () => {
  it('keeps both processes together under requestsPerMinute in every window', async () => {
    const windowMs = 1_000;
    const limit = 8;
    const environment = {
      PARLEY_TEST_PREFIX: testRedis.prefix,
      PARLEY_TEST_SIMULATOR_URL: simulator.url,
      PARLEY_TEST_WINDOW_MS: String(windowMs),
      PARLEY_TEST_RPM: String(limit),
      PARLEY_TEST_CALLS: '14',
      PARLEY_TEST_CONCURRENCY: '6',
    };
    const [first, second] = await Promise.all([runHammer(environment), runHammer(environment)]);
    expect(first.errors).toEqual([]);
    expect(second.errors).toEqual([]);
    expect(first.admitted).toHaveLength(14);
    expect(second.admitted).toHaveLength(14);
    const all = [...first.admitted, ...second.admitted];
    // Each process alone would fit in fewer windows; together they must share the limit.
    expect(maxInAnyWindow(all, windowMs)).toBeLessThanOrEqual(limit);
    expect(maxInAnyWindow(all, windowMs)).toBe(limit);
    // 28 calls at 8 per window: the last starts at least three windows after the first.
    expect(Math.max(...all) - Math.min(...all)).toBeGreaterThanOrEqual(3 * windowMs);
    expect(simulator.stats().requests.byRoute['POST /v1/chat/completions']).toBe(28);
  }, 60_000);
});
