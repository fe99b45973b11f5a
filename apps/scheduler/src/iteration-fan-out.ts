import type { ProfilePair, RunStore } from '@parley/core';
import { pairJobId } from '@parley/core';
import type { FlowProducer, Queue } from 'bullmq';
import { pairFlow } from './pair-flow';

export interface FanOutOptions {
  store: RunStore;
  flowProducer: FlowProducer;
  settleQueue: Queue;
  runId: string;
  iteration: number;
  pairs: readonly ProfilePair[];
  candidatesPerPair: number;
  chunkSize: number;
  /** Checked between chunks: a cancelled run stops enqueuing. */
  shouldStop: () => Promise<boolean>;
  /** Waits this long between backpressure checks. @defaultValue 100 */
  pollMs?: number;
}

/**
 * Enqueues an iteration's pair flows in chunks, never more than two chunks ahead of what has
 * settled, so Redis holds a bounded number of jobs however many pairs an iteration has.
 * Resumable: pairs already settled, or whose flow already exists, are not enqueued again.
 */
export async function fanOutIteration(options: FanOutOptions): Promise<void> {
  const { store, runId, iteration, pairs, chunkSize } = options;
  const pollMs = options.pollMs ?? 100;
  const recorded = (await store.iterationCounters(runId, iteration)).enqueued;
  // Flows before `recorded` were added by an earlier scheduler; the chunk after it may have been.
  const mayExist = recorded + chunkSize;
  for (let start = 0; start < pairs.length; start += chunkSize) {
    if (await options.shouldStop()) return;
    const chunk = pairs.slice(start, start + chunkSize);
    if (start + chunk.length <= recorded) continue;
    while (start - (await store.settledCount(runId, iteration)) > 2 * chunkSize) {
      if (await options.shouldStop()) return;
      await sleep(pollMs);
    }
    const fresh = start < mayExist ? await withoutExisting(options, chunk) : chunk;
    if (fresh.length > 0) {
      await options.flowProducer.addBulk(
        fresh.map((pair) => pairFlow(runId, iteration, pair, options.candidatesPerPair)),
      );
    }
    await store.setEnqueued(runId, iteration, start + chunk.length);
  }
}

async function withoutExisting(
  options: FanOutOptions,
  chunk: readonly ProfilePair[],
): Promise<ProfilePair[]> {
  const { store, settleQueue, runId, iteration } = options;
  const keep = await Promise.all(
    chunk.map(async (pair) => {
      if (await store.isSettled(runId, iteration, pair.id)) return false;
      const state = await settleQueue.getJobState(pairJobId(runId, iteration, pair.id));
      return state === 'unknown';
    }),
  );
  return chunk.filter((_, index) => keep[index]);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
