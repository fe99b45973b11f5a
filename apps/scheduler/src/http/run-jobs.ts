import { ALL_QUEUE_NAMES, classifyFailure, type QueueName } from '@parley/core';
import type { JobType, Queue } from 'bullmq';
import { z } from 'zod';
import { redactText } from './redact-secrets';

/** Job states the run's jobs page can filter by (BullMQ's names). */
export const RUN_JOB_STATES = [
  'failed',
  'active',
  'waiting',
  'waiting-children',
  'delayed',
  'prioritized',
  'completed',
] as const;
export type RunJobState = (typeof RUN_JOB_STATES)[number];

/** `?queue=&state=` of /runs/:runId/jobs: every queue and failed jobs unless given. */
export const runJobsQuerySchema = z.object({
  queue: z
    .union([z.literal(''), z.enum(ALL_QUEUE_NAMES as [QueueName, ...QueueName[]])], {
      error: `expected one of ${ALL_QUEUE_NAMES.join(', ')} (or nothing for every queue)`,
    })
    .optional()
    .transform((value) => (value ? value : undefined)),
  state: z
    .enum(RUN_JOB_STATES, { error: `expected one of ${RUN_JOB_STATES.join(', ')}` })
    .optional()
    .default('failed'),
});
export type RunJobsQuery = z.infer<typeof runJobsQuerySchema>;

/** One job of a run as the jobs page lists it. */
export interface RunJobView {
  queue: QueueName;
  id: string;
  name: string;
  attemptsMade: number;
  /** When it was created, and when it last finished (failed or completed), epoch ms. */
  createdAt: number | null;
  finishedAt: number | null;
  /** Why it failed (secrets scrubbed), and the category it counts under. */
  failedReason: string | null;
  category: string | null;
  /** Bull Board's page of this job. */
  boardLink: string;
}

export interface RunJobsView {
  jobs: RunJobView[];
  /** More of the run's jobs matched than are listed. */
  more: boolean;
  /** Some queue held more jobs in that state than were looked at (the newest first). */
  capped: boolean;
}

export interface ListRunJobsOptions {
  /** Jobs listed at most. @defaultValue 100 */
  limit?: number;
  /** Job ids looked at per queue, newest first. @defaultValue 10000 */
  scanLimit?: number;
  secrets?: readonly string[];
}

/** Bull Board's job page (its UI route `/queue/<name>/<id>` under /queues). */
export function boardJobLink(queue: string, jobId: string): string {
  return `/queues/queue/${encodeURIComponent(queue)}/${encodeURIComponent(jobId)}`;
}

/**
 * The jobs of a run in a state: their ids are read from BullMQ's own sets (bounded, newest
 * first), those starting with `<run>.` are kept, and only the jobs listed are loaded.
 */
export async function listRunJobs(
  queues: readonly Queue[],
  runId: string,
  query: RunJobsQuery,
  options: ListRunJobsOptions = {},
): Promise<RunJobsView> {
  const limit = options.limit ?? 100;
  const scanLimit = options.scanLimit ?? 10_000;
  const type: JobType = query.state === 'waiting' ? 'wait' : query.state;
  const selected = queues.filter((queue) => query.queue === undefined || queue.name === query.queue);
  const jobs: RunJobView[] = [];
  let more = false;
  let capped = false;
  for (const queue of selected) {
    const ids = await queue.getRanges([type], 0, scanLimit - 1, false);
    if (ids.length >= scanLimit) capped = true;
    const mine = ids.filter((id) => id.startsWith(`${runId}.`));
    const room = limit - jobs.length;
    if (mine.length > room) more = true;
    for (const id of mine.slice(0, Math.max(0, room))) {
      const job = await queue.getJob(id);
      if (!job) continue;
      const reason = job.failedReason ? redactText(job.failedReason, options.secrets ?? []) : null;
      jobs.push({
        queue: queue.name as QueueName,
        id,
        name: job.name,
        attemptsMade: job.attemptsMade,
        createdAt: job.timestamp ?? null,
        finishedAt: job.finishedOn ?? null,
        failedReason: reason,
        category: reason ? classifyFailure(reason) : null,
        boardLink: boardJobLink(queue.name, id),
      });
    }
  }
  return { jobs, more, capped };
}
