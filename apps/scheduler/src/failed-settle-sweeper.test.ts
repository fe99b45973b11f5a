import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  createRedisConnection,
  keyPrefix,
  pairJobId,
  QUEUE_NAMES,
  type RejectedCandidate,
  RunStore,
  runConfigSchema,
  type SelectResult,
} from '@parley/core';
import { FlowProducer, type Job, Queue, QueueEvents, UnrecoverableError, Worker } from 'bullmq';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createRun } from './create-run';
import { recoverFailedSettles } from './failed-settle-sweeper';
import { LineAppender } from './line-appender';

// createRun derives the turn bounds from the seed, so it must exist.
const SEED = path.resolve(import.meta.dirname, '../../../seeds/parley-seed.jsonl');

import { RunFolder } from './run-folder';

const prefix = keyPrefix(`test-settle-sweep-${randomUUID().slice(0, 8)}`);
const redis = createRedisConnection();
const blocking = createRedisConnection({ role: 'blocking' });
const store = new RunStore(redis, prefix);
const folders: string[] = [];
const closing: Array<{ close(): Promise<void> }> = [];

afterAll(async () => {
  for (const item of closing.reverse()) await item.close();
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  blocking.disconnect();
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

describe('recoverFailedSettles', () => {
  it('settles the pair of a settle job BullMQ failed without running it, once, from its select result', async () => {
    const output = await mkdtemp(path.join(os.tmpdir(), 'parley-settle-sweep-'));
    folders.push(output);
    const config = runConfigSchema.parse({
      name: 'sweep',
      seed: { path: SEED },
      output: { dir: output },
      models: { sim: { provider: 'simulator', model: 'parley-sim-1' } },
      generator: { model: 'sim' },
      critic: { model: 'sim' },
    });
    const run = await createRun(store, config, { runId: `sweep-${randomUUID().slice(0, 8)}` });
    await store.setStatus(run.id, 'running');
    await store.initIteration(run.id, 1, 1);
    const rejected: RejectedCandidate = {
      run: run.id,
      iteration: 1,
      pair: 'pair-1',
      candidate: 0,
      outcome: 'filtered',
      expert: 'structure',
      reason: 'too short',
      verdicts: [],
    };
    const selectResult: SelectResult = { outcome: 'rejected', rejected: [rejected] };

    // settle ← select; select completes, then settle fails the way a twice-stalled job does.
    const select = new Worker(QUEUE_NAMES.select, async () => selectResult, { connection: blocking, prefix });
    const settle = new Worker(
      QUEUE_NAMES.settle,
      async () => {
        throw new UnrecoverableError('job stalled more than allowable limit');
      },
      { connection: blocking, prefix },
    );
    const settleQueue = new Queue(QUEUE_NAMES.settle, { connection: redis, prefix });
    const events = new QueueEvents(QUEUE_NAMES.settle, { connection: blocking, prefix });
    const flows = new FlowProducer({ connection: redis, prefix });
    closing.push(flows, events, settleQueue, settle, select);
    await events.waitUntilReady();
    const base = { runId: run.id, iteration: 1, pairId: 'pair-1' };
    const { job } = await flows.add({
      name: 'settle',
      queueName: QUEUE_NAMES.settle,
      data: base,
      opts: { jobId: pairJobId(run.id, 1, 'pair-1') },
      children: [{ name: 'select', queueName: QUEUE_NAMES.select, data: { ...base, candidates: 1 } }],
    });
    await expect((job as Job).waitUntilFinished(events)).rejects.toThrow(/stalled more than allowable limit/);
    expect(await store.isSettled(run.id, 1, 'pair-1')).toBe(false);

    const appender = new LineAppender();
    const logger = pino({ level: 'silent' });
    expect(await recoverFailedSettles({ settleQueue, store, appender, logger })).toBe(1);
    expect(await recoverFailedSettles({ settleQueue, store, appender, logger })).toBe(0);
    await appender.closeAll();

    expect(await store.isSettled(run.id, 1, 'pair-1')).toBe(true);
    expect((await store.iterationCounters(run.id, 1)).rejected).toBe(1);
    const lines = (await readFile(new RunFolder(run.runFolder).rejectedLines(1), 'utf8')).trim().split('\n');
    expect(lines.map((line) => JSON.parse(line))).toEqual([rejected]);

    // A finished run is left alone (its settled sets are gone once it is compacted).
    await store.setStatus(run.id, 'completed');
    await store.compactRun(run.id, 1);
    expect(await recoverFailedSettles({ settleQueue, store, appender: new LineAppender(), logger })).toBe(0);
    expect((await store.iterationCounters(run.id, 1)).rejected).toBe(1);
  });
});
