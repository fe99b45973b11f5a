import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Writable } from 'node:stream';
import {
  createRedisConnection,
  type IterationCounters,
  keyPrefix,
  RunStore,
  runConfigSchema,
} from '@parley/core';
import type { FlowProducer, Queue } from 'bullmq';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createRun } from './create-run';
import { driveRun, type RunDriverDependencies, runVerdict } from './run-driver';
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
  const iteration = (fields: Partial<IterationCounters>): IterationCounters => ({
    iteration: 1,
    planned: 0,
    enqueued: 0,
    accepted: 0,
    rejected: 0,
    failed: 0,
    experts: {},
    failures: {},
    ...fields,
  });

  it('fails a run whose every pair failed, naming the commonest reasons with counts', () => {
    expect(
      runVerdict([
        iteration({
          planned: 20,
          failed: 20,
          failures: { 'provider-error (401 authentication_error)': 30, unparseable: 2 },
        }),
        iteration({
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
    expect(runVerdict([iteration({ planned: 1, failed: 1 })])).toEqual({
      failed: true,
      reason: 'every pair failed (1 pair; no reason recorded)',
    });
  });

  it('lets a run complete that accepted or merely rejected something', () => {
    expect(
      runVerdict([iteration({ planned: 10, rejected: 1, failed: 9, failures: { timeout: 9 } })]),
    ).toEqual({
      failed: false,
    });
    expect(runVerdict([iteration({ planned: 10, accepted: 1, failed: 9 })])).toEqual({ failed: false });
    expect(runVerdict([iteration({ planned: 10, rejected: 10 })])).toEqual({ failed: false });
    // Nothing settled (a run stopped before its pairs): no verdict of failure from counters alone.
    expect(runVerdict([iteration({ planned: 10 })])).toEqual({ failed: false });
  });
});
