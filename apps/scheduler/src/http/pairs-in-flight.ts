import { QUEUE_NAMES } from '@parley/core';
import type { Queue } from 'bullmq';

/** Pairs of one iteration with a job waiting or running in each stage of the loop. */
export interface PairsInFlight {
  /** Pairs with a generate job waiting or running. */
  generating: number;
  /** Pairs with a critique job waiting or running (its candidate is generated). */
  critiquing: number;
  /** Pairs whose select job (the vote) is waiting or running. */
  voting: number;
  /** Some queue held more jobs than were looked at: the counts are lower bounds. */
  capped: boolean;
}

/**
 * Job states that mean "being worked on or next in line" (BullMQ's own key names). Delayed
 * counts: a job waiting for its retry backoff, or for its batch at the vendor (batch mode moves
 * a waiting job to delayed), is still in flight.
 */
const IN_FLIGHT_STATES = ['active', 'wait', 'prioritized', 'delayed'] as const;

/**
 * Counts the pairs of a run's iteration in each stage, from BullMQ itself: the ids of the
 * waiting, delayed and active jobs of the generate, critique and select queues (ids start with
 * `run.iteration.`, see job-ids.ts). No counter to keep right across crashes; the cost is bounded
 * because the fan-out keeps at most two chunks ahead of what has settled, and each queue state is
 * read up to `limit` ids (then `capped` says the counts are at least these).
 */
export async function countPairsInFlight(
  queues: readonly Queue[],
  runId: string,
  iteration: number,
  limit = 5_000,
): Promise<PairsInFlight> {
  const stages = [
    ['generating', QUEUE_NAMES.generate],
    ['critiquing', QUEUE_NAMES.critique],
    ['voting', QUEUE_NAMES.select],
  ] as const;
  const idPrefix = `${runId}.${iteration}.`;
  const result: PairsInFlight = { generating: 0, critiquing: 0, voting: 0, capped: false };
  await Promise.all(
    stages.map(async ([stage, queueName]) => {
      const queue = queues.find((candidate) => candidate.name === queueName);
      if (!queue) return;
      const pairs = new Set<string>();
      for (const state of IN_FLIGHT_STATES) {
        const ids = await queue.getRanges([state], 0, limit - 1);
        if (ids.length >= limit) result.capped = true;
        for (const id of ids) {
          // run.iteration.pair[.candidate]: the pair is the third part (ids hold no other dots).
          if (id.startsWith(idPrefix)) pairs.add(id.slice(idPrefix.length).split('.')[0]!);
        }
      }
      result[stage] = pairs.size;
    }),
  );
  return result;
}
