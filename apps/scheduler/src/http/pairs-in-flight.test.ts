import { randomUUID } from 'node:crypto';
import { createRedisConnection, keyPrefix, QUEUE_NAMES } from '@parley/core';
import { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { deleteNamespace } from '../../../../test/support/redis-namespace';
import { countPairsInFlight } from './pairs-in-flight';

const namespace = `in-flight-${randomUUID().slice(0, 8)}`;
const prefix = keyPrefix(namespace);
const redis = createRedisConnection();
const queues = [QUEUE_NAMES.generate, QUEUE_NAMES.critique, QUEUE_NAMES.select].map(
  (name) => new Queue(name, { connection: redis, prefix }),
);

afterAll(async () => {
  await Promise.all(queues.map((queue) => queue.close()));
  await deleteNamespace(namespace);
  redis.disconnect();
});

describe('countPairsInFlight', () => {
  it('counts pairs whose jobs wait, or are delayed (a retry backoff, a batch wait), per stage', async () => {
    const [generate, critique, select] = queues as [Queue, Queue, Queue];
    await generate.add('g', {}, { jobId: 'run-a.1.p1.0' });
    await generate.add('g', {}, { jobId: 'run-a.1.p1.1' }); // same pair: counted once
    await generate.add('g', {}, { jobId: 'run-a.1.p2.0', delay: 60_000 });
    await generate.add('g', {}, { jobId: 'run-a.2.p3.0' }); // another iteration
    await generate.add('g', {}, { jobId: 'run-b.1.p4.0' }); // another run
    await critique.add('c', {}, { jobId: 'run-a.1.p5.0', delay: 60_000 });
    await select.add('s', {}, { jobId: 'run-a.1.p6' });
    expect(await countPairsInFlight(queues, 'run-a', 1)).toEqual({
      generating: 2,
      critiquing: 1,
      voting: 1,
      capped: false,
    });
  });
});
