import { type BatchYieldScope, runInBatchYieldScope } from '@parley/llm';
import type { Job, Processor } from 'bullmq';
import type { Logger } from 'pino';
import { delayUntilBatchAnswers } from './batch-yield-job';
import { withErrorMapping } from './map-error';
import { shareAbortSignal } from './shared-abort-signal';

/**
 * Runs one queue job's body as every Parley worker does: errors mapped to BullMQ's retry
 * semantics, and batch calls allowed to give the slot back. A call whose batch has not answered
 * after `yieldAfterMs` marks the job's yield scope (packages/llm/src/batch/batch-yield.ts);
 * the job is then moved to delayed instead of completing or failing, whatever the layers
 * between made of the pending call.
 */
export async function runQueueJob(
  job: Job,
  token: string | undefined,
  signal: AbortSignal | undefined,
  body: Processor,
  logger: Logger,
): Promise<unknown> {
  const log = logger.child({ queue: job.queueName, jobId: job.id, attempt: job.attemptsMade + 1 });
  const started = performance.now();
  const scope: BatchYieldScope = {};
  let result: unknown;
  try {
    result = await runInBatchYieldScope(scope, () =>
      withErrorMapping(() => body(job, token, shareAbortSignal(signal))),
    );
  } catch (error) {
    if (!scope.yielded) {
      log.warn({ err: error }, 'job-failed');
      throw error;
    }
  }
  if (scope.yielded) {
    log.debug({ ms: Math.round(performance.now() - started) }, 'job-waits-for-batch');
    return delayUntilBatchAnswers(job, token, scope.yielded);
  }
  log.debug({ ms: Math.round(performance.now() - started) }, 'job-completed');
  return result;
}
