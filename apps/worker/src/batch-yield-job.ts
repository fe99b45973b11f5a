import { type BatchYield, batchResumeDelayMs } from '@parley/llm';
import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import { z } from 'zod';

/** Kept in the job's data across its yields: when it first waited for a batch, and how often. */
const batchWaitSchema = z.object({
  sinceMs: z.number().nonnegative(),
  yields: z.number().int().nonnegative(),
});

export type BatchWait = z.infer<typeof batchWaitSchema>;

/** The job's batch wait so far, or a fresh one (its first yield). */
export function batchWaitOf(job: Pick<Job, 'data'>, nowMs: number): BatchWait {
  const parsed = batchWaitSchema.safeParse((job.data as { batchWait?: unknown } | undefined)?.batchWait);
  return parsed.success ? parsed.data : { sinceMs: nowMs, yields: 0 };
}

/**
 * Gives the job's worker slot back while its batch lines wait at the vendor (BullMQ's
 * "move to delayed" pattern): the job goes to the delayed set and runs again after the batch
 * poll interval, doubling per yield up to 5 minutes. Its requests stay queued under their
 * `custom_id`s, so the next run collects their answers. A job that has waited longer than every
 * allowed batch round (the 24 h window times one plus the resubmissions) fails as a timeout.
 * Always throws: DelayedError tells the worker the job was moved, not failed.
 */
export async function delayUntilBatchAnswers(
  job: Job,
  token: string | undefined,
  yielded: BatchYield,
  nowMs = Date.now(),
): Promise<never> {
  const wait = batchWaitOf(job, nowMs);
  const waitedMs = nowMs - wait.sinceMs;
  if (waitedMs > yielded.giveUpAfterMs) {
    const hours = (waitedMs / 3_600_000).toFixed(1);
    throw new UnrecoverableError(`timeout: the batch answers did not arrive in ${hours} h of waiting`);
  }
  await job.updateData({ ...job.data, batchWait: { sinceMs: wait.sinceMs, yields: wait.yields + 1 } });
  await job.moveToDelayed(nowMs + batchResumeDelayMs(yielded.pollIntervalMs, wait.yields), token);
  throw new DelayedError();
}
