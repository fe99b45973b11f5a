import { createLogger, createRedisConnection, keyPrefix, RunStore } from '@parley/core';
import { closeResponseCacheConnections } from '@parley/llm';
import {
  createIterationEvaluator,
  createRunPreparer,
  createRunReleaser,
  DEFAULT_DASHBOARD_HOST,
  DEFAULT_DASHBOARD_PORT,
  type RunningDashboard,
  Scheduler,
  startDashboardServer,
} from '@parley/scheduler';
import type { Command } from 'commander';
import { startHeartbeat } from '../health/heartbeat';
import { parsePort } from '../options/number-options';
import { addPostedJobOptions, type PostedJobFlags, postedJobSettings } from '../options/posted-job-options';
import { waitForSignal } from './worker-command';

/** `parley scheduler`: drives every unfinished run on the shared Redis and persists their results. */
export function registerSchedulerCommand(program: Command): void {
  const command = program
    .command('scheduler')
    .description('Drive runs (iterations, example pool, release) and persist pair outcomes (REDIS_URL)')
    .option(
      '--host <host>',
      'serve the dashboard on this interface (not loopback: PARLEY_DASHBOARD_* needed)',
    )
    .option(
      '--port <port>',
      `serve the dashboard on this port (default ${DEFAULT_DASHBOARD_PORT})`,
      parsePort,
    )
    .option('--allow-actions', 'let Bull Board retry, clean, pause and remove jobs (read-only otherwise)')
    .option(
      '--heartbeat <file>',
      'touch this file while Redis answers, for `parley health` (env PARLEY_HEARTBEAT_FILE)',
    );
  addPostedJobOptions(command).action(
    async (
      options: { host?: string; port?: number; allowActions?: boolean; heartbeat?: string } & PostedJobFlags,
    ) => {
      const logger = createLogger({ name: 'scheduler' });
      const prefix = keyPrefix();
      // The dashboard starts first: a refused bind (no credentials) stops before any run is touched.
      let dashboard: RunningDashboard | undefined;
      if (options.host !== undefined || options.port !== undefined) {
        const postedJobs = await postedJobSettings(options);
        dashboard = await startDashboardServer({
          prefix,
          host: options.host ?? DEFAULT_DASHBOARD_HOST,
          port: options.port ?? DEFAULT_DASHBOARD_PORT,
          allowActions: options.allowActions,
          jobsDirectory: postedJobs.jobsDirectory,
          postedJobs: postedJobs.policy,
          logger,
        });
        logger.info({ url: dashboard.url, protected: dashboard.protected }, 'dashboard-started');
      }
      const redis = createRedisConnection();
      // ioredis reconnects by itself; without a listener it prints a stack per failed attempt.
      redis.on('error', (error) => logger.warn({ err: error }, 'redis-error'));
      const store = new RunStore(redis, prefix);
      const scheduler = new Scheduler({
        prefix,
        logger,
        prepare: createRunPreparer({ prefix, logger }),
        release: createRunReleaser({ store, redis }),
        afterIteration: createIterationEvaluator({ redis, prefix, logger }),
      });
      scheduler.start();
      const heartbeatFile = options.heartbeat ?? (process.env.PARLEY_HEARTBEAT_FILE || undefined);
      const heartbeat = heartbeatFile ? startHeartbeat(heartbeatFile, redis) : undefined;
      logger.info({ id: scheduler.id }, 'scheduler-started');
      await waitForSignal();
      logger.info('scheduler-stopping');
      heartbeat?.stop();
      await dashboard?.close();
      await scheduler.close();
      // The evaluation's models may have opened the response cache's own Redis.
      await closeResponseCacheConnections();
      await redis.quit().catch(() => redis.disconnect());
      logger.flush();
    },
  );
}
