import { createRedisConnection, RunStore } from '@parley/core';
import { closeResponseCacheConnections, stopBatchSubmitters } from '@parley/llm';
import type { Logger } from 'pino';
import { RunServicesCache } from './run-services-cache';
import { startWorkers, type WorkerPool } from './start-workers';

export interface WorkerProcessOptions {
  prefix: string;
  redisUrl?: string;
  logger: Logger;
  concurrency: { generate: number; critique: number; select: number; personas: number };
  environment?: NodeJS.ProcessEnv;
  /** Job lock of the queue workers (see WorkerPoolOptions.lockMs). @defaultValue PARLEY_JOB_LOCK_MS or 30000 */
  lockMs?: number;
}

export interface RunningWorkers {
  pool: WorkerPool;
  /** Graceful: stop taking jobs, finish (or after `graceMs` hand back) the active ones. */
  close(graceMs?: number): Promise<void>;
}

/** Everything one worker process runs: the services cache and the queue workers. */
export function startWorkerProcess(options: WorkerProcessOptions): RunningWorkers {
  const redis = createRedisConnection({ url: options.redisUrl });
  redis.on('error', (error) => options.logger.warn({ err: error }, 'redis-error'));
  const store = new RunStore(redis, options.prefix);
  const services = new RunServicesCache({
    store,
    redis,
    logger: options.logger,
    environment: options.environment,
  });
  const pool = startWorkers({
    prefix: options.prefix,
    redisUrl: options.redisUrl,
    logger: options.logger,
    servicesFor: services.servicesFor,
    concurrency: options.concurrency,
    lockMs: options.lockMs,
  });
  return {
    pool,
    async close(graceMs) {
      await pool.close(graceMs);
      // Releases the batch queue locks now rather than when they lapse; batches go on at the vendor.
      await stopBatchSubmitters();
      await closeResponseCacheConnections();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
