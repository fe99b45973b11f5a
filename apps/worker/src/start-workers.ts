import { createRedisConnection, jobLockMs, QUEUE_NAMES } from '@parley/core';
import { type Job, type Processor, Worker } from 'bullmq';
import type { Logger } from 'pino';
import { processCritique } from './processors/critique-processor';
import { processGenerate } from './processors/generate-processor';
import { processPersonas } from './processors/personas-processor';
import { processSelect } from './processors/select-processor';
import { runQueueJob } from './run-queue-job';
import type { RunServices } from './run-services';

export interface WorkerPoolOptions {
  /** Hash-tagged key prefix shared with the scheduler (see keyPrefix). */
  prefix: string;
  /** @defaultValue REDIS_URL or redis://127.0.0.1:6379 */
  redisUrl?: string;
  logger: Logger;
  /** Builds (and caches) what a run's jobs need. */
  servicesFor: (runId: string) => Promise<RunServices>;
  /** Concurrent jobs per queue in this process. */
  concurrency: { generate: number; critique: number; select: number; personas: number };
  /**
   * How long a job stays locked to this process without a renewal. A crashed process's active
   * jobs go back to the queue after at most twice this (lock lapse + stalled check).
   * @defaultValue PARLEY_JOB_LOCK_MS or 30000 (BullMQ's default)
   */
  lockMs?: number;
}

export interface WorkerPool {
  workers: Worker[];
  /**
   * Stops taking jobs and waits up to `graceMs` for active ones to finish; jobs still active
   * then are handed back (their locks lapse and another worker picks them up).
   */
  close(graceMs?: number): Promise<void>;
}

/** Starts the BullMQ workers for the LLM-bound queues (generate, critique, select, personas) in this process. */
export function startWorkers(options: WorkerPoolOptions): WorkerPool {
  const connection = createRedisConnection({ url: options.redisUrl, role: 'blocking' });
  // The stalled check runs as often as a lock lasts, so a dead worker's jobs are retaken within
  // two lock periods instead of BullMQ's fixed 30 s check.
  const lockMs = jobLockMs(options.lockMs);
  const make = (queueName: string, concurrency: number, body: Processor): Worker => {
    const worker = new Worker(
      queueName,
      (job: Job, token?: string, signal?: AbortSignal) =>
        runQueueJob(job, token, signal, body, options.logger),
      {
        connection,
        prefix: options.prefix,
        concurrency,
        autorun: true,
        lockDuration: lockMs,
        stalledInterval: lockMs,
      },
    );
    worker.on('error', (error) => options.logger.error({ err: error, queue: queueName }, 'worker-error'));
    return worker;
  };

  const workers = [
    make(QUEUE_NAMES.generate, options.concurrency.generate, (job, _token, signal) =>
      processGenerate(job, options.servicesFor, signal),
    ),
    make(QUEUE_NAMES.critique, options.concurrency.critique, (job, _token, signal) =>
      processCritique(job, options.servicesFor, signal),
    ),
    make(QUEUE_NAMES.select, options.concurrency.select, (job, _token, signal) =>
      processSelect(job, options.servicesFor, signal),
    ),
    make(QUEUE_NAMES.personas, options.concurrency.personas, (job, _token, signal) =>
      processPersonas(job, options.servicesFor, signal),
    ),
  ];

  return {
    workers,
    async close(graceMs = 30_000) {
      const graceful = Promise.all(workers.map((worker) => worker.close()));
      const timedOut = await Promise.race([
        graceful.then(() => false),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(true), graceMs).unref()),
      ]);
      if (timedOut) {
        options.logger.warn({ graceMs }, 'workers-forced-close');
        await Promise.all(workers.map((worker) => worker.close(true)));
      }
      await connection.quit().catch(() => connection.disconnect());
    },
  };
}
