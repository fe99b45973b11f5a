import { createLogger, createRedisConnection, keyPrefix, RunStore } from '@parley/core';
import { createRunPreparer, createRunReleaser, Scheduler } from '@parley/scheduler';
import type { Command } from 'commander';
import { waitForSignal } from './worker-command';

/** `parley scheduler`: drives every unfinished run on the shared Redis and persists their results. */
export function registerSchedulerCommand(program: Command): void {
  program
    .command('scheduler')
    .description('Drive runs (iterations, example pool, release) and persist pair outcomes (REDIS_URL)')
    .action(async () => {
      const logger = createLogger({ name: 'scheduler' });
      const prefix = keyPrefix();
      const redis = createRedisConnection();
      const store = new RunStore(redis, prefix);
      const scheduler = new Scheduler({
        prefix,
        logger,
        prepare: createRunPreparer({ prefix, logger }),
        release: createRunReleaser({ store, redis }),
      });
      scheduler.start();
      logger.info({ id: scheduler.id }, 'scheduler-started');
      await waitForSignal();
      logger.info('scheduler-stopping');
      await scheduler.close();
      await redis.quit().catch(() => redis.disconnect());
      logger.flush();
    });
}
