import { type RunStore, settleJobDataSchema } from '@parley/core';
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { LineAppender } from './line-appender';
import { processSettle, settleAsFailed } from './settle-processor';

export interface FailedSettleSweepOptions {
  settleQueue: Queue;
  store: RunStore;
  appender: LineAppender;
  logger: Logger;
  /** Newest failed settle jobs looked at per sweep. @defaultValue 200 */
  limit?: number;
  /** Only this run's jobs (an embedded scheduler); otherwise every run's. */
  onlyRun?: string;
}

/**
 * Settles the pairs of settle jobs that BullMQ failed without the processor having the last
 * word. A settle job active in a scheduler that dies, twice, is failed as "job stalled more
 * than allowable limit" and never run again; its pair then stayed unsettled and its iteration
 * waited forever. A sweep looks at the newest failed settle jobs of running runs and settles
 * every pair still open: from the select result the job still holds when it can, otherwise as
 * failed with the job's reason. Idempotent, so any number of schedulers may sweep at once.
 * Returns how many pairs it settled.
 */
export async function recoverFailedSettles(options: FailedSettleSweepOptions): Promise<number> {
  const { settleQueue, store, appender, logger } = options;
  let recovered = 0;
  for (const job of await settleQueue.getFailed(0, (options.limit ?? 200) - 1)) {
    const parsed = settleJobDataSchema.safeParse(job.data);
    if (!parsed.success) continue;
    const data = parsed.data;
    if (options.onlyRun !== undefined && data.runId !== options.onlyRun) continue;
    // A finished run's settled sets are gone (compactRun): only running runs can have open pairs.
    const run = await store.getRun(data.runId);
    if (run?.status !== 'running' || (await store.isSettled(data.runId, data.iteration, data.pairId)))
      continue;
    try {
      await processSettle(job, store, appender);
    } catch (error) {
      logger.warn({ err: error, jobId: job.id }, 'settle-recovery-failed');
      await settleAsFailed(
        store,
        appender,
        data,
        `settle job failed: ${job.failedReason ?? 'no reason kept'}`,
      );
    }
    recovered++;
    logger.warn({ run: data.runId, jobId: job.id, reason: job.failedReason }, 'settle-recovered');
  }
  return recovered;
}
