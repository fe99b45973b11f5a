import { ALL_QUEUE_NAMES, keyPrefix, redisKey } from '@parley/core';
import type { Redis } from 'ioredis';

/**
 * How many times BullMQ took a job back from a process that stopped renewing its lock (the
 * `stalled` events of every queue of a namespace): the at-least-once redeliveries a crash
 * caused. Read from the queues' event streams (kept to BullMQ's default 10,000 events each).
 */
export async function countStalledJobs(redis: Redis, namespace: string): Promise<number> {
  let stalled = 0;
  for (const queue of ALL_QUEUE_NAMES) {
    const entries = await redis.xrange(redisKey(keyPrefix(namespace), queue, 'events'), '-', '+');
    for (const [, fields] of entries) {
      for (let index = 0; index + 1 < fields.length; index += 2) {
        if (fields[index] === 'event' && fields[index + 1] === 'stalled') stalled++;
      }
    }
  }
  return stalled;
}
