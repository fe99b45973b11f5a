import { type RunningSimulator, startSimulator } from '@parley/simulator';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAnthropicClient } from '../anthropic/anthropic-client';
import { createTestRedis, escapeGlob, type TestRedis } from '../test-support/test-redis';
import { AnthropicBatchVendor } from './anthropic-batch-vendor';
import { BatchQueue } from './batch-queue';
import { resolveBatchSettings } from './batch-settings';
import { BatchSubmitter } from './batch-submitter';

// Reconciling an Anthropic `submitting` record after a crash, through @anthropic-ai/sdk against
// the simulator's Message Batches: Message Batches carry no metadata, so an unknown batch is
// recognised by its size and, once it ended, by the `custom_id` prefix of its results.

/** Long enough for every step before a "still running" assertion, on a loaded 2-core runner too. */
const RUNNING_MS = 4_000;

let testRedis: TestRedis;
const simulators: RunningSimulator[] = [];
let prefixCounter = 0;
let queueCounter = 0;

beforeAll(() => {
  testRedis = createTestRedis();
});
afterEach(async () => {
  await Promise.all(simulators.splice(0).map((simulator) => simulator.close()));
});
afterAll(async () => {
  await testRedis.cleanup();
});

function body(topic: string): unknown {
  return {
    model: 'claude-sonnet-4-6',
    max_tokens: 200,
    system: 'You judge short conversations.',
    messages: [{ role: 'user', content: `Does a conversation about ${topic} contradict its personas?` }],
  };
}

async function setup(completionDelayMs: number) {
  const simulator = await startSimulator({ seed: 7, batch: { completionDelayMs } });
  simulators.push(simulator);
  const client = createAnthropicClient({
    apiKey: 'sk-ant-test-not-a-real-key',
    baseURL: simulator.anthropicBaseURL,
  });
  const vendor = new AnthropicBatchVendor(client);
  // A prefix of its own, as a deployment of its own: the prefix's shared set of submitted batch
  // ids (which reconciliation skips) holds only this test's batches.
  const prefix = `${testRedis.prefix}:reconcile-${++prefixCounter}`;
  const newQueue = () => new BatchQueue(testRedis.redis, prefix, `queue-${++queueCounter}`);
  const queue = newQueue();
  const settings = resolveBatchSettings({}, { maxRequestsPerBatch: 10, maxWaitMs: 0, pollIntervalMs: 20 });
  await queue.enqueue('req-a', body('a'));
  await queue.enqueue('req-b', body('b'));
  // The record of a predecessor that died after cutting it (2 lines), maybe after sending it.
  const record = (await queue.cut(`pbdead${String(queueCounter).padStart(6, '0')}`, 10))!;
  const recordLines = async () => {
    const bodies = await queue.bodies(record.customIds);
    return record.customIds.map((customId) => ({ customId, body: bodies.get(customId)!.body }));
  };
  // A batch of another key, unknown to this queue (another deployment's, or another model queue's).
  const unknownBatch = async (batchKey: string, topics: string[]) =>
    vendor.submit(
      batchKey,
      topics.map((topic, index) => ({ customId: `other-${index}`, body: body(topic) })),
    );
  const batchesCreated = async () => simulator.batchStats().batchesCreated.anthropic;
  const status = async (vendorBatchId: string) =>
    (await client.messages.batches.retrieve(vendorBatchId)).processing_status;
  const submitter = new BatchSubmitter(queue, vendor, settings, 'claude');
  const drain = async () => {
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && (await submitter.tick())) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const answered = async () =>
    Promise.all(['req-a', 'req-b'].map(async (customId) => (await queue.enqueue(customId, {}))?.status));
  return {
    vendor,
    queue,
    newQueue,
    record,
    recordLines,
    unknownBatch,
    batchesCreated,
    status,
    submitter,
    drain,
    answered,
  };
}

describe('Anthropic reconciliation after a crash', { timeout: 30_000 }, () => {
  it("waits while the record's own batch runs, then adopts it and never submits it again", async () => {
    const { vendor, queue, record, recordLines, batchesCreated, status, submitter, drain, answered } =
      await setup(RUNNING_MS);
    const vendorBatchId = await vendor.submit(record.batchKey, await recordLines());

    expect(await vendor.find(record.batchKey, record.startedAtMs, new Set(), 2)).toEqual({
      kind: 'undecided',
    });
    await submitter.tick();
    await submitter.tick();
    expect(await status(vendorBatchId)).toBe('in_progress');
    expect(await batchesCreated()).toBe(1);
    expect((await queue.records()).map((stored) => stored.state)).toEqual(['submitting']);

    await drain();
    expect(await batchesCreated()).toBe(1);
    expect(await queue.submittedBatchIds()).toEqual([vendorBatchId]);
    expect(await answered()).toEqual([200, 200]);
    expect(await queue.records()).toEqual([]);
  });

  it("waits while another key's batch of the same size runs, then submits the record once", async () => {
    const { vendor, queue, record, unknownBatch, batchesCreated, status, submitter, drain, answered } =
      await setup(RUNNING_MS);
    const otherId = await unknownBatch('pbother000001', ['x', 'y']);

    expect(await vendor.find(record.batchKey, record.startedAtMs, new Set(), 2)).toEqual({
      kind: 'undecided',
    });
    await submitter.tick();
    expect(await status(otherId)).toBe('in_progress');
    expect(await batchesCreated()).toBe(1);
    expect((await queue.records()).map((stored) => stored.state)).toEqual(['submitting']);

    await drain();
    expect(await batchesCreated()).toBe(2);
    const submitted = await queue.submittedBatchIds();
    expect(submitted).toHaveLength(1);
    expect(submitted).not.toContain(otherId);
    expect(await answered()).toEqual([200, 200]);
  });

  it('does not adopt an ended batch of another batchKey', async () => {
    const { vendor, queue, record, unknownBatch, batchesCreated, status, drain, answered } = await setup(50);
    const otherId = await unknownBatch('pbother000002', ['x', 'y']);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await status(otherId)).toBe('ended');

    expect(await vendor.find(record.batchKey, record.startedAtMs, new Set(), 2)).toEqual({ kind: 'absent' });
    await drain();
    expect(await batchesCreated()).toBe(2);
    const submitted = await queue.submittedBatchIds();
    expect(submitted).toHaveLength(1);
    expect(submitted).not.toContain(otherId);
    expect(await answered()).toEqual([200, 200]);
  });

  it('is not held up by a running batch of another size: the record is submitted at once', async () => {
    const { vendor, queue, record, unknownBatch, batchesCreated, status, submitter, drain, answered } =
      await setup(RUNNING_MS);
    const otherId = await unknownBatch('pbother000003', ['x', 'y', 'z']);

    // Without the size, the running batch could be the record's.
    expect(await vendor.find(record.batchKey, record.startedAtMs, new Set())).toEqual({ kind: 'undecided' });
    expect(await vendor.find(record.batchKey, record.startedAtMs, new Set(), 2)).toEqual({ kind: 'absent' });
    await submitter.tick();
    expect(await status(otherId)).toBe('in_progress');
    expect(await batchesCreated()).toBe(2);
    expect((await queue.records()).map((stored) => stored.state)).toEqual(['submitted']);

    await drain();
    expect(await batchesCreated()).toBe(2);
    expect(await queue.submittedBatchIds()).not.toContain(otherId);
    expect(await answered()).toEqual([200, 200]);
  });

  it("is not held up by another model queue's running batch of the same size: the prefix knows it", async () => {
    const {
      vendor,
      queue,
      newQueue,
      record,
      unknownBatch,
      batchesCreated,
      status,
      submitter,
      drain,
      answered,
    } = await setup(RUNNING_MS);
    // Another model's queue of the same prefix submitted a batch of the same size.
    const otherQueue = newQueue();
    await otherQueue.enqueue('req-x', body('x'));
    await otherQueue.enqueue('req-y', body('y'));
    const otherRecord = (await otherQueue.cut('pbother000004', 10))!;
    const otherId = await unknownBatch(otherRecord.batchKey, ['x', 'y']);
    await otherQueue.markSubmitted(otherRecord, otherId);

    expect(await queue.submittedBatchIds()).not.toContain(otherId);
    const known = new Set(await queue.submittedBatchIdsAnywhere());
    expect(known).toContain(otherId);
    expect(await vendor.find(record.batchKey, record.startedAtMs, known, 2)).toEqual({ kind: 'absent' });
    await submitter.tick();
    expect(await status(otherId)).toBe('in_progress');
    expect(await batchesCreated()).toBe(2);

    await drain();
    expect(await answered()).toEqual([200, 200]);
    const ownIds = await queue.submittedBatchIds();
    expect(ownIds).toHaveLength(1);
    expect(new Set(await otherQueue.submittedBatchIdsAnywhere())).toEqual(new Set([otherId, ...ownIds]));
  });
});

describe('the shared set of submitted batches', () => {
  it('is outside the per-queue keys that `*:llm:batch:*:submitted` counts', async () => {
    const prefix = `${testRedis.prefix}:reconcile-${++prefixCounter}`;
    const queue = new BatchQueue(testRedis.redis, prefix, `queue-${++queueCounter}`);
    await queue.enqueue('req-a', body('a'));
    const record = (await queue.cut('pbshared00001', 10))!;
    await queue.markSubmitted(record, 'msgbatch_shared1');
    // The pattern the kill tests count this queue's batches with.
    const matching = await testRedis.redis.keys(`${escapeGlob(prefix)}*:llm:batch:*:submitted`);
    const shared = (await testRedis.dump())
      .filter((entry) => entry.key.startsWith(`${prefix}:`) && entry.value === '["msgbatch_shared1"]')
      .map((entry) => entry.key);
    // Two sets hold the id, the queue's own and the shared one; only the queue's matches.
    expect(shared).toHaveLength(2);
    expect(matching).toEqual([queue.key('submitted')]);
    expect(shared).toContain(queue.key('submitted'));
    expect(await queue.submittedBatchIdsAnywhere()).toContain('msgbatch_shared1');
  });
});
