import { createRedisConnection, keyPrefix, QUEUE_NAMES, RunStore } from '@parley/core';
import { Queue } from 'bullmq';
import { waitFor } from './parley-processes';

/** A run held mid-way by a paused generate queue. */
export interface HeldRun {
  /** Lets the run go on. */
  resume(): Promise<void>;
  /** Closes the queue handle and the Redis connection (the queue stays as it is). */
  close(): Promise<void>;
}

/**
 * Holds a run mid-way, as an operator would: once iteration 1 has settled a pair, pauses the
 * generate queue, so no new candidate starts until `resume()` and what a test records mid-run
 * does not race the run, however fast the machine is.
 */
export async function holdRunAfterFirstSettledPair(namespace: string, runId: string): Promise<HeldRun> {
  const redis = createRedisConnection();
  const prefix = keyPrefix(namespace);
  const store = new RunStore(redis, prefix);
  const generate = new Queue(QUEUE_NAMES.generate, { connection: redis, prefix });
  const close = async () => {
    await generate.close();
    redis.disconnect();
  };
  try {
    await waitFor('a settled pair', async () => (await store.settledCount(runId, 1)) > 0, 30_000, 50);
    await generate.pause();
  } catch (error) {
    await close();
    throw error;
  }
  return { resume: () => generate.resume(), close };
}
