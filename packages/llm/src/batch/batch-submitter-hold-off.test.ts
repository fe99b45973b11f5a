import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRedis, type TestRedis } from '../test-support/test-redis';
import { BatchQueue } from './batch-queue';
import { resolveBatchSettings } from './batch-settings';
import { BatchSubmitter } from './batch-submitter';
import type { BatchVendor, FindOutcome } from './batch-vendor';

// A 429 on creating a batch (Anthropic's full processing queue, or its request rate): the record
// stays `submitting`, and the submitter sends nothing for the poll interval, doubling while the
// vendor keeps refusing. Steps are driven with explicit clock values.

let testRedis: TestRedis;
let queueCounter = 0;

beforeAll(() => {
  testRedis = createTestRedis();
});
afterAll(async () => {
  await testRedis.cleanup();
});

/** A vendor whose create call answers 429 `refusals` times, then accepts. */
function refusingVendor(refusals: number) {
  const submitted: string[] = [];
  let calls = 0;
  const vendor: BatchVendor = {
    name: 'anthropic',
    async submit(batchKey) {
      calls++;
      if (calls <= refusals) {
        throw Object.assign(
          new Error('429 rate_limit_error: too many batch requests in the processing queue'),
          {
            status: 429,
          },
        );
      }
      submitted.push(batchKey);
      return `msgbatch_${calls}`;
    },
    async find(): Promise<FindOutcome> {
      return { kind: 'absent' };
    },
    async poll() {
      return undefined;
    },
  };
  return { vendor, submitted, calls: () => calls };
}

async function setup(refusals: number) {
  const queue = new BatchQueue(testRedis.redis, testRedis.prefix, `hold-off-${++queueCounter}`);
  await queue.enqueue('req-a', { messages: ['a'] }, 0);
  await queue.enqueue('req-b', { messages: ['b'] }, 0);
  const fake = refusingVendor(refusals);
  const settings = resolveBatchSettings({}, { maxWaitMs: 0, pollIntervalMs: 1_000, lockTtlMs: 60_000 });
  return { queue, ...fake, submitter: new BatchSubmitter(queue, fake.vendor, settings, 'claude') };
}

describe('the batch submitter after a 429 on create', () => {
  it('sends nothing for the poll interval, then submits the cut batch once', async () => {
    const { queue, submitted, calls, submitter } = await setup(1);
    const start = 1_000_000;
    await expect(submitter.tick(start)).rejects.toThrow(/429/);
    expect(calls()).toBe(1);
    expect((await queue.records()).map((record) => record.state)).toEqual(['submitting']);

    expect(await submitter.tick(start + 500)).toBe(true);
    expect(calls()).toBe(1);

    await submitter.tick(start + 1_000);
    expect(calls()).toBe(2);
    expect(submitted).toHaveLength(1);
    expect((await queue.records()).map((record) => record.state)).toEqual(['submitted']);
  });

  it('doubles the wait while the vendor keeps refusing', async () => {
    const { calls, submitter } = await setup(2);
    const start = 2_000_000;
    await expect(submitter.tick(start)).rejects.toThrow(/429/);
    await expect(submitter.tick(start + 1_000)).rejects.toThrow(/429/);
    expect(calls()).toBe(2);
    // The second refusal holds off 2 s.
    await submitter.tick(start + 2_500);
    expect(calls()).toBe(2);
    await submitter.tick(start + 3_000);
    expect(calls()).toBe(3);
  });
});
