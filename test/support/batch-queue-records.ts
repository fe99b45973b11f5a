import type { Redis } from 'ioredis';
import { escapeGlob } from '../../packages/llm/src/test-support/test-redis';

// What Parley's batch queues recorded in a namespace, read straight from Redis, for the tests
// and chaos rows that hold it against what the simulator's Batch APIs saw.

/** Every key matching the pattern. */
export async function scanKeys(redis: Redis, pattern: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    cursor = next;
    found.push(...batch);
  } while (cursor !== '0');
  return found;
}

/** The submitter lock of a model queue with a batch submitted and still running, if any. */
export async function lockKeyOfBatchInFlight(redis: Redis, prefix: string): Promise<string | undefined> {
  for (const recordsKey of await scanKeys(redis, `${escapeGlob(prefix)}*:llm:batch:*:batches`)) {
    const records = Object.values(await redis.hgetall(recordsKey)).map(
      (text) => JSON.parse(text) as { state: string },
    );
    if (records.some((record) => record.state === 'submitted'))
      return recordsKey.replace(/:batches$/, ':lock');
  }
  return undefined;
}

/** Counts summed over every model queue of the prefix. */
export interface RecordedBatches {
  /** Distinct requests collected. */
  collected: number;
  /** Lines sent in batches (first submissions and resubmissions). */
  linesSubmitted: number;
  /** Lines that failed for good. */
  failed: number;
  /** Vendor batch ids stored as submitted. */
  submittedBatches: number;
}

export async function recordedBatches(redis: Redis, prefix: string): Promise<RecordedBatches> {
  const recorded: RecordedBatches = { collected: 0, linesSubmitted: 0, failed: 0, submittedBatches: 0 };
  for (const statsKey of await scanKeys(redis, `${escapeGlob(prefix)}*:llm:batch:*:stats`)) {
    const stats = await redis.hgetall(statsKey);
    recorded.collected += Number(stats['collected'] ?? 0);
    recorded.linesSubmitted += Number(stats['linesSubmitted'] ?? 0);
    recorded.failed += Number(stats['failed'] ?? 0);
  }
  for (const submittedKey of await scanKeys(redis, `${escapeGlob(prefix)}*:llm:batch:*:submitted`)) {
    recorded.submittedBatches += await redis.scard(submittedKey);
  }
  return recorded;
}
