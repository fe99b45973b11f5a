import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createRedisConnection, keyPrefix, RunStore, runConfigSchema } from '@parley/core';
import type { FlowJob, FlowProducer, Queue } from 'bullmq';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { iterationCounters } from '../../../test/support/iteration-counters';
import { createRun } from './create-run';
import { driveRun, type PreparedRun, type RunDriverDependencies, runVerdict } from './run-driver';
import { isTransientRedisError } from './transient-redis-error';

const SEED = path.resolve(import.meta.dirname, '../../../seeds/parley-seed.jsonl');
const namespace = `test-run-driver-${randomUUID().slice(0, 8)}`;
const redis = createRedisConnection();
const store = new RunStore(redis, keyPrefix(namespace));

afterAll(async () => {
  const keys = await redis.keys(`{${namespace}}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

const config = runConfigSchema.parse({
  name: 'driver',
  seed: { path: SEED },
  output: { dir: '/tmp/parley-run-driver-test' },
  models: { sim: { provider: 'simulator', model: 'parley-sim-1' } },
  generator: { model: 'sim' },
  critic: { model: 'sim' },
});

function dependencies(prepare: RunDriverDependencies['prepare'], lines: string[]): RunDriverDependencies {
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return {
    store,
    // Neither is reached: prepare throws first.
    flowProducer: {} as FlowProducer,
    settleQueue: {} as Queue,
    logger: pino({ level: 'warn' }, destination),
    prepare,
    release: async () => undefined,
    holdsLease: () => true,
  };
}

/** What ioredis throws for a transaction in flight when Redis closes the connection. */
function abortedByRestart(): Error {
  const error = new Error('Command aborted due to connection close');
  error.name = 'AbortError';
  return error;
}

describe('driveRun', () => {
  it('leaves a run interrupted by a Redis restart to be driven again, and fails it for a real error', async () => {
    const interrupted = await createRun(store, config, { runId: `interrupted-${randomUUID().slice(0, 8)}` });
    const lines: string[] = [];
    await driveRun(
      interrupted.id,
      dependencies(async () => {
        throw abortedByRestart();
      }, lines),
    );
    const after = await store.getRun(interrupted.id);
    expect(after?.status).toBe('running');
    expect(after?.error).toBeUndefined();
    expect(lines.join('')).toMatch(/"msg":"run-interrupted"/);

    const broken = await createRun(store, config, { runId: `broken-${randomUUID().slice(0, 8)}` });
    await driveRun(
      broken.id,
      dependencies(async () => {
        throw new Error('the seed is gone');
      }, []),
    );
    expect(await store.getRun(broken.id)).toMatchObject({ status: 'failed', error: 'the seed is gone' });
  });
});

describe('driveRun with the circuit breaker', () => {
  /** Pairs of a prepared run, without stage 1–3: ids are all the driver and the fakes use. */
  function preparedPairs(count: number): PreparedRun {
    const profile = (id: string) => ({ id, attributes: [`I am ${id}.`] });
    return {
      pairs: Array.from({ length: count }, (_, index) => ({
        id: `pair-${index}`,
        user1: profile(`a${index}`),
        user2: profile(`b${index}`),
      })),
      seedPool: [],
    };
  }

  /**
   * Workers stood in for: each enqueued pair settles at once with what `outcome` says for it,
   * as the settle processor would (counters and failure categories in Redis).
   */
  function settlingWorkers(
    runId: string,
    outcome: (index: number) => { failed: boolean; category: string },
    enqueued: string[],
  ): Pick<RunDriverDependencies, 'flowProducer' | 'settleQueue'> {
    const flowProducer = {
      async addBulk(flows: FlowJob[]) {
        for (const flow of flows) {
          const { pairId, iteration } = flow.data as { pairId: string; iteration: number };
          const index = enqueued.length;
          enqueued.push(pairId);
          const { failed, category } = outcome(index);
          await store.settlePair(
            runId,
            iteration,
            pairId,
            failed ? 'failed' : 'accepted',
            {},
            failed ? { [category]: 2 } : {},
          );
        }
        return [];
      },
    } as unknown as FlowProducer;
    const settleQueue = { getJobState: async () => 'unknown' } as unknown as Queue;
    return { flowProducer, settleQueue };
  }

  const breakerConfig = (breaker: Record<string, unknown>, pairs: number) =>
    runConfigSchema.parse({
      ...config,
      iterations: 1,
      pairs,
      concurrency: { ...config.concurrency, chunkSize: 2 },
      breaker,
    });

  it('stops fanning out and fails the run when pairs in a row fail with one cause', async () => {
    const run = await createRun(store, breakerConfig({ consecutiveSameError: 4 }, 40), {
      runId: `breaker-${randomUUID().slice(0, 8)}`,
    });
    const enqueued: string[] = [];
    let released = false;
    await driveRun(run.id, {
      ...dependencies(async () => preparedPairs(40), []),
      ...settlingWorkers(
        run.id,
        () => ({ failed: true, category: 'provider-error (401 invalid_api_key)' }),
        enqueued,
      ),
      release: async () => {
        released = true;
      },
      pollMs: 10,
    });
    const after = await store.getRun(run.id);
    expect(after).toMatchObject({
      status: 'failed',
      error: 'circuit breaker: 4 pairs in a row failed with provider-error (401 invalid_api_key)',
      cancelRequested: true,
    });
    // Chunks of 2: the breaker looks between chunks, so at most a chunk past the streak went out.
    expect(enqueued.length).toBeGreaterThanOrEqual(4);
    expect(enqueued.length).toBeLessThanOrEqual(6);
    expect(released).toBe(false);
  });

  it('lets a run with a few scattered failures complete', async () => {
    const run = await createRun(
      store,
      breakerConfig({ consecutiveSameError: 3, minPairs: 5, window: 10 }, 30),
      {
        runId: `breaker-ok-${randomUUID().slice(0, 8)}`,
      },
    );
    const enqueued: string[] = [];
    let released = false;
    await driveRun(run.id, {
      ...dependencies(async () => preparedPairs(30), []),
      // Every fifth pair fails (timeout): never 3 in a row, 20 % of any window.
      ...settlingWorkers(run.id, (index) => ({ failed: index % 5 === 0, category: 'timeout' }), enqueued),
      release: async () => {
        released = true;
      },
      pollMs: 10,
    });
    expect(await store.getRun(run.id)).toMatchObject({ status: 'completed' });
    expect(enqueued).toHaveLength(30);
    expect(released).toBe(true);
  });
});

describe('isTransientRedisError', () => {
  it('knows what a Redis restart or failover throws, and nothing else', () => {
    const reply = (message: string) => Object.assign(new Error(message), { name: 'ReplyError' });
    expect(isTransientRedisError(abortedByRestart())).toBe(true);
    expect(isTransientRedisError(new Error('Connection is closed.'))).toBe(true);
    expect(isTransientRedisError(Object.assign(new Error('x'), { name: 'MaxRetriesPerRequestError' }))).toBe(
      true,
    );
    expect(
      isTransientRedisError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })),
    ).toBe(true);
    expect(isTransientRedisError(reply('LOADING Redis is loading the dataset in memory'))).toBe(true);
    expect(isTransientRedisError(reply("READONLY You can't write against a read only replica."))).toBe(true);

    expect(isTransientRedisError(reply('ERR wrong number of arguments'))).toBe(false);
    expect(isTransientRedisError(reply('OOM command not allowed when used memory > maxmemory'))).toBe(false);
    expect(
      isTransientRedisError(Object.assign(new Error('The operation was aborted'), { name: 'AbortError' })),
    ).toBe(false);
    expect(isTransientRedisError(new Error('the seed is gone'))).toBe(false);
    expect(isTransientRedisError('Connection is closed.')).toBe(false);
  });
});

describe('runVerdict', () => {
  it('fails a run whose every pair failed, naming the commonest reasons with counts', () => {
    expect(
      runVerdict([
        iterationCounters({
          planned: 20,
          failed: 20,
          failures: { 'provider-error (401 authentication_error)': 30, unparseable: 2 },
        }),
        iterationCounters({
          iteration: 2,
          planned: 20,
          failed: 20,
          failures: { 'provider-error (401 authentication_error)': 10 },
        }),
      ]),
    ).toEqual({
      failed: true,
      reason: 'every pair failed (40 pairs): 40 × provider-error (401 authentication_error), 2 × unparseable',
    });
    expect(runVerdict([iterationCounters({ planned: 1, failed: 1 })])).toEqual({
      failed: true,
      reason: 'every pair failed (1 pair; no reason recorded)',
    });
  });

  it('lets a run complete that accepted or merely rejected something', () => {
    expect(
      runVerdict([iterationCounters({ planned: 10, rejected: 1, failed: 9, failures: { timeout: 9 } })]),
    ).toEqual({
      failed: false,
    });
    expect(runVerdict([iterationCounters({ planned: 10, accepted: 1, failed: 9 })])).toEqual({
      failed: false,
    });
    expect(runVerdict([iterationCounters({ planned: 10, rejected: 10 })])).toEqual({ failed: false });
    // Nothing settled (a run stopped before its pairs): no verdict of failure from counters alone.
    expect(runVerdict([iterationCounters({ planned: 10 })])).toEqual({ failed: false });
  });
});
