import { redisKey } from '@parley/core';
import type { RedisClient } from '../middleware/redis-script';
import { limiterIdReadablePart } from '../model-registry';
import { BatchQueue, type BatchQueueStats } from './batch-queue';

/** Where a batch-mode model's requests stand, over every queue of that provider model. */
export interface BatchProgress extends BatchQueueStats {
  /** Requests waiting to be cut into a batch. */
  waiting: number;
  /** Batches submitted (or being submitted) and not yet ended. */
  inFlight: number;
}

/**
 * The batch queues of a provider model, read from Redis for `parley status`: a queue is named by
 * its provider, model, base URL and key source (limiterId), which a status process cannot know
 * for the workers' environment, so every queue of the provider model is summed.
 */
export async function readBatchProgress(
  redis: RedisClient,
  prefix: string,
  model: { provider: Parameters<typeof limiterIdReadablePart>[0]['provider']; model: string },
): Promise<BatchProgress> {
  const pattern = redisKey(prefix, 'llm', 'batch', `${limiterIdReadablePart(model)}.*`, 'stats');
  const total: BatchProgress = {
    collected: 0,
    batchesSubmitted: 0,
    linesSubmitted: 0,
    answered: 0,
    resubmitted: 0,
    failed: 0,
    waiting: 0,
    inFlight: 0,
  };
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 200);
    cursor = next;
    for (const key of keys) {
      const queueId = key.slice(redisKey(prefix, 'llm', 'batch', '').length).replace(/:stats$/, '');
      const queue = new BatchQueue(redis, prefix, queueId);
      const [stats, waiting, records] = await Promise.all([
        queue.stats(),
        queue.pendingCount(),
        queue.records(),
      ]);
      for (const field of Object.keys(stats) as Array<keyof BatchQueueStats>) total[field] += stats[field];
      total.waiting += waiting;
      total.inFlight += records.length;
    }
  } while (cursor !== '0');
  return total;
}
