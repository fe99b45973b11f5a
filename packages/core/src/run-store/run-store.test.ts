import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { runConfigSchema } from '../config/run-config';
import { createRedisConnection, keyPrefix } from '../redis-connection';
import { RunStore } from './run-store';

// Against the real Redis, in a namespace of its own that is deleted afterwards.
const namespace = `test-run-store-${randomUUID().slice(0, 8)}`;
const prefix = keyPrefix(namespace);
const redis = createRedisConnection();
const store = new RunStore(redis, prefix);

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

const config = runConfigSchema.parse({
  name: 'store',
  seed: { path: '/nonexistent/seed.jsonl' },
  models: { sim: { provider: 'simulator', model: 'parley-sim-1' } },
  generator: { model: 'sim' },
  critic: { model: 'sim' },
});

async function newRun(label: string): Promise<string> {
  const id = `${label}-${randomUUID().slice(0, 8)}`;
  const now = Date.now();
  await store.createRun(
    {
      id,
      name: 'store',
      status: 'pending',
      phase: 'pending',
      iteration: 0,
      iterations: 2,
      runFolder: '/tmp/x',
      createdAt: now,
    },
    config,
  );
  return id;
}

describe('RunStore.settlePair', () => {
  it('counts outcome, expert verdicts and failure categories once, atomically', async () => {
    const run = await newRun('settle');
    await store.initIteration(run, 1, 3);
    const failures = { 'provider-error (401 authentication_error)': 2, unparseable: 1 };
    expect(await store.settlePair(run, 1, 'p1', 'failed', {}, failures)).toBe(true);
    // A retried settle job: nothing moves a second time.
    expect(await store.settlePair(run, 1, 'p1', 'failed', {}, failures)).toBe(false);
    expect(
      await store.settlePair(run, 1, 'p2', 'rejected', {
        structure: { passed: 1, total: 2 },
        faithfulness: { passed: 0, total: 0, unparseable: 1 },
      }),
    ).toBe(true);
    expect(
      await store.settlePair(
        run,
        1,
        'p3',
        'accepted',
        { structure: { passed: 2, total: 2 }, faithfulness: { passed: 1, total: 1, unparseable: 0 } },
        { timeout: 1 },
      ),
    ).toBe(true);

    const counters = await store.iterationCounters(run, 1);
    expect(counters).toMatchObject({ planned: 3, accepted: 1, rejected: 1, failed: 1 });
    expect(counters.experts).toEqual({
      structure: { passed: 3, total: 4, unparseable: 0 },
      faithfulness: { passed: 1, total: 1, unparseable: 1 },
    });
    expect(counters.failures).toEqual({
      'provider-error (401 authentication_error)': 2,
      unparseable: 1,
      timeout: 1,
    });
    // The failures hash is one key of its own, beside the counters and expert hashes.
    expect(await redis.hgetall(`${prefix}:run:${run}:iter:1:failures`)).toEqual({
      'provider-error (401 authentication_error)': '2',
      unparseable: '1',
      timeout: '1',
    });
    const both = await store.runCounters(run, 2);
    expect(both.map((iteration) => iteration.iteration)).toEqual([1, 2]);
    expect(both[1]).toMatchObject({ planned: 0, failed: 0, experts: {}, failures: {} });
  });

  it('reads the expert counts older runs stored (passed and total only)', async () => {
    const run = await newRun('legacy');
    await redis.hset(`${prefix}:run:${run}:iter:1:experts`, {
      'near-duplicate:passed': 4,
      'near-duplicate:total': 5,
      'odd:field:unknown': 9,
    });
    expect((await store.iterationCounters(run, 1)).experts).toEqual({
      'near-duplicate': { passed: 4, total: 5, unparseable: 0 },
    });
  });
});

describe('RunStore.cancelRun', () => {
  it('ends a run no scheduler drives at once, and only asks a driven one to stop', async () => {
    const undriven = await newRun('undriven');
    expect(await store.leaseHolder(undriven)).toBeUndefined();
    expect(await store.cancelRun(undriven)).toBe('cancelled');
    const cancelled = await store.getRun(undriven);
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelRequested: true });
    expect(cancelled?.finishedAt).toBeGreaterThan(0);
    expect(await store.cancelRun(undriven)).toBe('finished');
    // A scheduler that takes the lease afterwards finds the run over.
    expect(await store.acquireLease(undriven, 'late-scheduler', 5_000)).toBe(true);
    expect((await store.getRun(undriven))?.status).toBe('cancelled');

    const driven = await newRun('driven');
    expect(await store.acquireLease(driven, 'scheduler-a', 5_000)).toBe(true);
    expect(await store.leaseHolder(driven)).toBe('scheduler-a');
    expect(await store.cancelRun(driven)).toBe('requested');
    expect(await store.getRun(driven)).toMatchObject({ status: 'pending', cancelRequested: true });

    expect(await store.cancelRun('no-such-run')).toBe('missing');
  });
});
