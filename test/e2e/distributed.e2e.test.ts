import { createRedisConnection, keyPrefix, type RunRecord, RunStore } from '@parley/core';
import { type RunningSimulator, startSimulator } from '@parley/simulator';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type ParleyProcess,
  spawnParley,
  stopProcess,
  waitFor,
  waitForRunEnd,
} from '../support/parley-processes';
import { deleteNamespace } from '../support/redis-namespace';
import { expectCompleteRelease } from '../support/release-checks';
import { testNamespace, writeTestJob } from '../support/test-jobs';

// Distributed mode with real processes: `parley scheduler`, `parley worker` × 2 and
// `parley run --detach`, sharing one Redis and one simulator, as on several machines.

let simulator: RunningSimulator;
let redis: Redis;
const processes: ParleyProcess[] = [];
const namespaces: string[] = [];

beforeAll(async () => {
  simulator = await startSimulator({ seed: 5, latencyMs: 30 });
  redis = createRedisConnection();
});
afterEach(async () => {
  await Promise.all(processes.splice(0).map((process) => stopProcess(process)));
});
afterAll(async () => {
  await simulator.close();
  redis.disconnect();
  for (const namespace of namespaces) await deleteNamespace(namespace);
});

function environmentFor(label: string): NodeJS.ProcessEnv {
  const namespace = testNamespace(label);
  namespaces.push(namespace);
  return { PARLEY_NAMESPACE: namespace, PARLEY_SIMULATOR_URL: simulator.url, PARLEY_LEASE_MS: '2000' };
}

function start(args: string[], environment: NodeJS.ProcessEnv): ParleyProcess {
  const started = spawnParley(args, environment);
  processes.push(started);
  return started;
}

async function detach(jobFile: string, environment: NodeJS.ProcessEnv): Promise<string> {
  const detached = spawnParley(['run', jobFile, '--detach'], environment);
  expect(await detached.exited, detached.output()).toBe(0);
  return detached.output().trim().split('\n').pop()!;
}

describe('distributed mode', { timeout: 240_000 }, () => {
  it('one scheduler and two worker processes complete a run', async () => {
    const environment: NodeJS.ProcessEnv = { ...environmentFor('distributed'), PARLEY_LOG_LEVEL: 'debug' };
    const store = new RunStore(redis, keyPrefix(environment.PARLEY_NAMESPACE));
    const { jobFile } = await writeTestJob({ iterations: 2, pairs: 16 });
    start(['scheduler'], environment);
    const workers = [
      start(['worker', '--concurrency', '4'], environment),
      start(['worker', '--concurrency', '4'], environment),
    ];
    const runId = await detach(jobFile, environment);

    const run = await waitForRunEnd(store, runId, 120_000, 'the run to finish');
    expect(run.status, run.error).toBe('completed');
    await expectCompleteRelease(run.runFolder, [16, 16]);
    // Both workers took jobs.
    for (const worker of workers) expect(worker.output()).toMatch(/job-completed/);
  });

  it('a scheduler SIGKILLed mid-iteration is replaced and the run completes with no duplicate or missing pair', async () => {
    const environment = environmentFor('scheduler-crash');
    const store = new RunStore(redis, keyPrefix(environment.PARLEY_NAMESPACE));
    const { jobFile } = await writeTestJob({ iterations: 2, pairs: 30 });
    const firstScheduler = start(['scheduler'], environment);
    start(['worker', '--concurrency', '6'], environment);
    const runId = await detach(jobFile, environment);

    // Kill it while iteration 1 is part-way settled.
    await waitFor(
      'iteration 1 to be part-way',
      async () => {
        const counters = await store.iterationCounters(runId, 1);
        const settled = counters.accepted + counters.rejected + counters.failed;
        return settled >= 5 && settled < counters.planned;
      },
      60_000,
      20,
    );
    firstScheduler.child.kill('SIGKILL');
    expect(await firstScheduler.exited).toBe('SIGKILL');
    const before = await store.getRun(runId);
    expect(before?.status).toBe('running');

    start(['scheduler'], environment);
    const run: RunRecord = await waitForRunEnd(store, runId, 120_000, 'the run to finish after the restart');
    expect(run.status, run.error).toBe('completed');
    await expectCompleteRelease(run.runFolder, [30, 30]);
  });
});
