import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRedis, type TestRedis } from '../test-support/test-redis';
import { readBatchProgress } from './batch-progress';
import { BatchQueue } from './batch-queue';

let testRedis: TestRedis;
beforeAll(() => {
  testRedis = createTestRedis();
});
afterAll(async () => {
  await testRedis.cleanup();
});

describe('readBatchProgress', () => {
  it('sums every queue of a provider model: waiting requests, batches in flight, lines submitted', async () => {
    const { redis, prefix } = testRedis;
    // Two queues of one provider model (other base URLs or keys), one of another model.
    const first = new BatchQueue(redis, prefix, 'openai.gpt-4.1-mini.aaaaaaaaaaaa');
    const second = new BatchQueue(redis, prefix, 'openai.gpt-4.1-mini.bbbbbbbbbbbb');
    const other = new BatchQueue(redis, prefix, 'openai.gpt-4o.cccccccccccc');
    for (const id of ['a', 'b', 'c']) await first.enqueue(`first-${id}`, { id });
    await second.enqueue('second-a', { id: 'a' });
    await other.enqueue('other-a', { id: 'a' });
    const batch = await first.cut('batch-1', 2);
    await first.markSubmitted(batch!, 'batch_vendor_1');

    const progress = await readBatchProgress(redis, prefix, { provider: 'openai', model: 'gpt-4.1-mini' });
    expect(progress).toMatchObject({
      waiting: 2,
      inFlight: 1,
      batchesSubmitted: 1,
      linesSubmitted: 2,
      answered: 0,
    });
    expect(await readBatchProgress(redis, prefix, { provider: 'openai', model: 'gpt-4o' })).toMatchObject({
      waiting: 1,
      inFlight: 0,
    });
    expect(await readBatchProgress(redis, prefix, { provider: 'anthropic', model: 'claude' })).toMatchObject({
      waiting: 0,
      inFlight: 0,
      linesSubmitted: 0,
    });
  });
});
