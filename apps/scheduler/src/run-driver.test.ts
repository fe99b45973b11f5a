import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { createRedisConnection, keyPrefix, RunStore, runConfigSchema } from '@parley/core';
import type { FlowProducer, Queue } from 'bullmq';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createRun } from './create-run';
import { driveRun, type RunDriverDependencies } from './run-driver';
import { isTransientRedisError } from './transient-redis-error';

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
  seed: { path: '/nonexistent/seed.jsonl' },
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
