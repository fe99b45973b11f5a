import { readFile, writeFile } from 'node:fs/promises';
import { createRedisConnection, keyPrefix, type RunRecord, RunStore } from '@parley/core';
import { type RunningSimulator, startSimulator } from '@parley/simulator';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { lockKeyOfBatchInFlight, recordedBatches } from '../support/batch-queue-records';
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

// `execution: batch` in distributed mode with real processes: a scheduler and the worker holding
// the batch submitter lock are SIGKILLed while batches run at the simulator's Batch APIs (its
// OpenAI-compatible one, then Anthropic's Message Batches); new processes finish the run.
// Batches take seconds (completionDelayMs), so they are in flight.

let simulator: RunningSimulator;
let redis: Redis;
const processes: ParleyProcess[] = [];
const namespaces: string[] = [];

beforeAll(async () => {
  simulator = await startSimulator({
    seed: 5,
    latencyMs: 10,
    batch: { completionDelayMs: 2_500, errorRate: 0.1, expiryRate: 0.05 },
  });
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

function start(args: string[], environment: NodeJS.ProcessEnv): ParleyProcess {
  const started = spawnParley(args, environment);
  processes.push(started);
  return started;
}

/** The Batch API the run's model goes through: the simulator's own (OpenAI's API) or Anthropic's. */
type Vendor = 'openai' | 'anthropic';

/** The job's model `sim` as a batch binding of the vendor's API at the simulator. */
function batchBinding(vendor: Vendor): string {
  if (vendor === 'openai') return '    provider: simulator\n    model: parley-sim-1\n    execution: batch\n';
  return [
    '    provider: anthropic',
    '    model: claude-sonnet-4-6',
    `    baseURL: ${simulator.anthropicBaseURL}`,
    '    execution: batch',
    '',
  ].join('\n');
}

/**
 * The scenario for one vendor: a scheduler and the worker holding the submitter lock are killed
 * while a batch is in flight; new processes finish the run, and the vendor created exactly the
 * batches and lines Parley recorded.
 */
async function killMidBatch(vendor: Vendor): Promise<void> {
  const namespace = testNamespace(`batch-kill-${vendor}`);
  namespaces.push(namespace);
  const prefix = keyPrefix(namespace);
  const environment: NodeJS.ProcessEnv = {
    PARLEY_NAMESPACE: namespace,
    PARLEY_SIMULATOR_URL: simulator.url,
    PARLEY_LEASE_MS: '2000',
    PARLEY_JOB_LOCK_MS: '3000',
    PARLEY_BATCH_MAX_REQUESTS: '16',
    PARLEY_BATCH_MAX_WAIT_MS: '300',
    PARLEY_BATCH_POLL_MS: '250',
    PARLEY_BATCH_LOCK_MS: '2000',
    PARLEY_BATCH_MAX_RESUBMISSIONS: '8',
    // Jobs give their worker slot back while their batch runs: the kills meet delayed jobs too.
    PARLEY_BATCH_YIELD_AFTER_MS: '500',
    // Any key: the simulator takes every key (the preflight probe sends it too).
    ANTHROPIC_API_KEY: 'sk-ant-e2e-not-a-real-key',
  };
  const store = new RunStore(redis, prefix);
  const { jobFile } = await writeTestJob({ iterations: 1, pairs: 12 });
  // Every language model call of the run goes through the Batch API; no response cache.
  const template = await readFile(jobFile, 'utf8');
  const job = template.replace('    provider: simulator\n    model: parley-sim-1\n', batchBinding(vendor));
  expect(job).not.toBe(template);
  await writeFile(jobFile, `${job}\ncache: { enabled: false }\n`);
  const before = simulator.batchStats();

  const scheduler = start(['scheduler'], environment);
  const workers = [
    start(['worker', '--concurrency', '4'], environment),
    start(['worker', '--concurrency', '4'], environment),
  ];
  const detached = spawnParley(['run', jobFile, '--detach'], environment);
  expect(await detached.exited, detached.output()).toBe(0);
  const runId = detached.output().trim().split('\n').pop()!;

  // Wait for a batch submitted and still running, then kill the scheduler and the lock holder.
  const lockKey = await waitFor(
    'a batch in flight',
    () => lockKeyOfBatchInFlight(redis, prefix),
    120_000,
    50,
  );
  const holderPid = Number((await redis.get(lockKey))?.split('-')[0]);
  // Kill the worker holding the submitter lock (any worker if the scheduler holds it).
  expect([scheduler, ...workers].map((process) => process.child.pid)).toContain(holderPid);
  const holder = workers.find((worker) => worker.child.pid === holderPid) ?? workers[0]!;
  scheduler.child.kill('SIGKILL');
  holder.child.kill('SIGKILL');
  expect(await scheduler.exited).toBe('SIGKILL');
  expect(await holder.exited).toBe('SIGKILL');
  expect((await store.getRun(runId))?.status).toBe('running');

  start(['scheduler'], environment);
  start(['worker', '--concurrency', '4'], environment);
  const run: RunRecord = await waitForRunEnd(store, runId, 240_000, 'the run to finish after the kills');
  expect(run.status, run.error).toBe('completed');
  await expectCompleteRelease(run.runFolder, [12]);

  // What Parley recorded, summed over the model queues of the namespace.
  const { collected, linesSubmitted, submittedBatches, failed } = await recordedBatches(redis, prefix);
  expect(failed).toBe(0);
  const after = simulator.batchStats();
  const created = after.batchesCreated[vendor] - before.batchesCreated[vendor];
  expect(created).toBeGreaterThan(0);
  const succeeded = after.linesSucceeded - before.linesSucceeded;
  expect(collected).toBeGreaterThan(12);
  // Every request answered once at the vendor: one succeeded line per distinct request.
  expect(succeeded).toBe(collected);
  // No batch submitted twice: the vendor created exactly the batches Parley recorded, with
  // exactly the lines Parley sent (first submissions plus retried failed/expired lines).
  expect(created).toBe(submittedBatches);
  expect(after.linesSubmitted - before.linesSubmitted).toBe(linesSubmitted);
  expect(linesSubmitted).toBe(
    collected + (after.linesErrored - before.linesErrored) + (after.linesExpired - before.linesExpired),
  );
}

describe('batch execution survives SIGKILL', { timeout: 300_000 }, () => {
  it.each<Vendor>(['openai', 'anthropic'])(
    'a scheduler and the submitting worker killed mid-batch (%s Batch API): every request answered once, no batch twice, the release verifies',
    killMidBatch,
  );
});
