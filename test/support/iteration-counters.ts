import type { IterationCounters } from '@parley/core';

/** Iteration 1's counters, all zero but for `fields`. */
export function iterationCounters(fields: Partial<IterationCounters> = {}): IterationCounters {
  return {
    iteration: 1,
    planned: 0,
    enqueued: 0,
    accepted: 0,
    rejected: 0,
    failed: 0,
    experts: {},
    failures: {},
    ...fields,
  };
}
