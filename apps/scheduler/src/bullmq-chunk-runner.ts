import { createHash } from 'node:crypto';
import { type PersonasJobData, QUEUE_NAMES } from '@parley/core';
import type { RunChunk } from '@parley/generator';
import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';

export interface BullmqChunkRunner {
  runChunk: RunChunk;
  close(): Promise<void>;
}

/**
 * Runs stage 1–3 chunks as `personas` jobs on the workers, so expansion scales out like
 * generation. The job id carries a hash of the chunk's input: a resumed run finds the job it
 * enqueued before (and its result, kept an hour) instead of running the chunk twice.
 */
export function createBullmqChunkRunner(options: {
  redis: Redis;
  blocking: Redis;
  prefix: string;
  runId: string;
}): BullmqChunkRunner {
  const queue = new Queue(QUEUE_NAMES.personas, { connection: options.redis, prefix: options.prefix });
  const events = new QueueEvents(QUEUE_NAMES.personas, {
    connection: options.blocking,
    prefix: options.prefix,
  });
  const ready = events.waitUntilReady();
  return {
    async runChunk(stageName, chunkId, input) {
      await ready;
      const inputHash = createHash('sha256').update(JSON.stringify(input)).digest('hex').slice(0, 12);
      const data: PersonasJobData = { runId: options.runId, stage: stageName, chunkId, input };
      const job = await queue.add(stageName, data, {
        jobId: `${options.runId}.${chunkId}.${inputHash}`,
        attempts: 4,
        backoff: { type: 'exponential', delay: 2_000 },
        removeOnComplete: { age: 3_600 },
        removeOnFail: { age: 24 * 3_600 },
      });
      return job.waitUntilFinished(events);
    },
    async close() {
      await events.close();
      await queue.close();
    },
  };
}
