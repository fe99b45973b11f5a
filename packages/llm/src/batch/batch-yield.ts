import { AsyncLocalStorage } from 'node:async_hooks';
import { ParleyError } from '@parley/core';

/**
 * A queue job that may give its worker slot back while its batch lines wait at the vendor.
 * The worker opens one per job run (apps/worker/src/run-queue-job.ts); a batch call made inside
 * it that is still unanswered after `BatchSettings.yieldAfterMs` marks it `yielded` and ends with
 * BatchPendingError. Whatever the layers above make of that error, the worker then reads the
 * mark, moves the job to delayed and runs it again later: the requests stay in the batch queue
 * under their `custom_id`s, so the next run finds their answers instead of sending them again.
 */
export interface BatchYieldScope {
  /** Set by the first call that yields; later calls of the job yield at once. */
  yielded?: BatchYield;
}

/** What the worker needs to delay the job: when to look again and when to give up. */
export interface BatchYield {
  pollIntervalMs: number;
  /** Longest a job may wait for its batches in all: every batch round a line may need. */
  giveUpAfterMs: number;
}

const storage = new AsyncLocalStorage<BatchYieldScope>();

/** Runs a job body inside a yield scope; outside one, batch calls wait in-process (CLI, tests). */
export function runInBatchYieldScope<T>(scope: BatchYieldScope, body: () => Promise<T>): Promise<T> {
  return storage.run(scope, body);
}

/** The scope of the job this code runs for, if its worker lets batch calls yield. */
export function currentBatchYieldScope(): BatchYieldScope | undefined {
  return storage.getStore();
}

/** True once a call of the current job yielded: no retry, no failed-call count, nothing to settle. */
export function batchYieldRequested(): boolean {
  return storage.getStore()?.yielded !== undefined;
}

/**
 * Thrown by a batch call that yields. Not retryable: the job is re-run later as a whole.
 * The SDK wraps it as a connection error; the call runner turns that back into this.
 */
export class BatchPendingError extends ParleyError {
  constructor() {
    super('the batch has not answered yet; the job yields its worker slot and runs again later', {
      code: 'LLM_BATCH_PENDING',
    });
  }
}

/**
 * When a yielded job comes back: the batch poll interval, doubling with each yield of the same
 * job, up to `maxMs`, so a job waiting a day for its batch runs a few hundred times, not thousands.
 */
export function batchResumeDelayMs(pollIntervalMs: number, yields: number, maxMs = 5 * 60_000): number {
  return Math.min(maxMs, Math.max(pollIntervalMs, 50) * 2 ** Math.min(yields, 16));
}
