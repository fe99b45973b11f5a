import { createLogger, createRedisConnection, keyPrefix } from '@parley/core';
import { startWorkerProcess } from '@parley/worker';
import type { Command } from 'commander';
import { startHeartbeat } from '../health/heartbeat';
import { parsePositiveInteger } from '../options/number-options';

/** `parley worker`: a process of BullMQ workers for every run on the shared Redis. */
export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('Process generate, critique, select and personas jobs of every run (REDIS_URL)')
    .option('--concurrency <n>', 'concurrent generate and critique jobs each', parsePositiveInteger, 16)
    .option('--personas-concurrency <n>', 'concurrent stage 1–3 chunks', parsePositiveInteger, 8)
    .option(
      '--grace <ms>',
      'on SIGTERM, wait this long for active jobs before handing them back',
      parsePositiveInteger,
      30_000,
    )
    .option(
      '--heartbeat <file>',
      'touch this file while Redis answers, for `parley health` (env PARLEY_HEARTBEAT_FILE)',
    )
    .action(
      async (options: {
        concurrency: number;
        personasConcurrency: number;
        grace: number;
        heartbeat?: string;
      }) => {
        const logger = createLogger({ name: 'worker' });
        const workers = startWorkerProcess({
          prefix: keyPrefix(),
          logger,
          concurrency: {
            generate: options.concurrency,
            critique: options.concurrency,
            select: options.concurrency,
            personas: options.personasConcurrency,
          },
        });
        const heartbeatFile = options.heartbeat ?? (process.env.PARLEY_HEARTBEAT_FILE || undefined);
        const heartbeatRedis = heartbeatFile ? createRedisConnection() : undefined;
        heartbeatRedis?.on('error', () => {});
        const heartbeat =
          heartbeatFile && heartbeatRedis ? startHeartbeat(heartbeatFile, heartbeatRedis) : undefined;
        logger.info({ concurrency: options.concurrency }, 'worker-started');
        await waitForSignal();
        logger.info('worker-stopping');
        heartbeat?.stop();
        heartbeatRedis?.disconnect();
        await workers.close(options.grace);
        logger.flush();
      },
    );
}

/** Resolves on the first SIGINT or SIGTERM. */
export function waitForSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const handler = (signal: NodeJS.Signals) => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
      resolve(signal);
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  });
}
