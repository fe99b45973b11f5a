import path from 'node:path';
import {
  createLogger,
  createRedisConnection,
  type IterationCounters,
  keyPrefix,
  loadRunConfig,
  type RunConfig,
  type RunRecord,
  RunStore,
  TERMINAL_STATUSES,
} from '@parley/core';
import { readUsage, type UsageReport } from '@parley/llm';
import {
  createIterationEvaluator,
  createRun,
  createRunPreparer,
  createRunReleaser,
  preflightJob,
  resolveJobPaths,
  Scheduler,
  startDashboardServer,
} from '@parley/scheduler';
import { type RunningSimulator, startSimulator } from '@parley/simulator';
import { startWorkerProcess } from '@parley/worker';
import type { Logger } from 'pino';
import { findOrSpawnRedis } from './embedded-redis';
import { RunProgress } from './run-progress';

export interface EmbeddedRunOptions {
  jobFile: string;
  runId?: string;
  /** Show progress bars / lines on standard error. @defaultValue true */
  progress?: boolean;
  logger?: Logger;
  environment?: NodeJS.ProcessEnv;
  /** Called once the run exists (for a dashboard, or a test that wants the id early). */
  onRunCreated?: (run: RunRecord) => void;
  /** Aborting cancels the run (Ctrl-C). */
  signal?: AbortSignal;
  /** Serve the dashboard (127.0.0.1 unless `host`) while the run lasts; port 0 picks a free one. */
  dashboard?: { host?: string; port: number; allowActions?: boolean };
  /** Called with the dashboard's URL once it listens. */
  onDashboardReady?: (url: string) => void;
}

export interface EmbeddedRunResult {
  run: RunRecord;
  config: RunConfig;
  /** Where Redis came from: REDIS_URL, the local default, or spawned for this run. */
  redisSource: string;
  iterations: IterationCounters[];
  usage: UsageReport;
}

/** Whether a job needs the in-process simulator (a `simulator` model with no URL of its own). */
export function needsInProcessSimulator(config: RunConfig, environment: NodeJS.ProcessEnv): boolean {
  return Object.values(config.models).some(
    (model) => model.provider === 'simulator' && !model.baseURL && !environment.PARLEY_SIMULATOR_URL,
  );
}

/**
 * `parley run JOB`: everything in this process. Redis from REDIS_URL, else 127.0.0.1:6379,
 * else a spawned redis-server; the simulator when the job names it; the scheduler and the
 * workers. Every check that can fail runs before the run is created, so a bad job enqueues
 * nothing.
 */
export async function runEmbedded(options: EmbeddedRunOptions): Promise<EmbeddedRunResult> {
  const environment = options.environment ?? process.env;
  const logger =
    options.logger ?? createLogger({ name: 'parley', level: environment.PARLEY_LOG_LEVEL ?? 'warn' });
  const config = resolveJobPaths(await loadRunConfig(options.jobFile), options.jobFile);
  const withSimulator = needsInProcessSimulator(config, environment);
  await preflightJob(config, {
    environment,
    jobFile: options.jobFile,
    baseDirectory: path.dirname(path.resolve(options.jobFile)),
  });

  const redisHandle = await findOrSpawnRedis(environment);
  let simulator: RunningSimulator | undefined;
  const cleanups: Array<() => Promise<void>> = [() => redisHandle.close()];
  try {
    if (withSimulator) {
      simulator = await startSimulator({
        ...config.simulator,
        textSource: config.simulator.textSource ?? config.seed.path,
      });
      cleanups.unshift(() => simulator!.close());
    }
    const prefix = keyPrefix(environment.PARLEY_NAMESPACE);
    const redis = createRedisConnection({ url: redisHandle.url });
    cleanups.unshift(async () => void (await redis.quit().catch(() => redis.disconnect())));
    const store = new RunStore(redis, prefix);
    if (options.dashboard) {
      const dashboard = await startDashboardServer({
        ...options.dashboard,
        prefix,
        redisUrl: redisHandle.url,
        simulatorUrl: simulator?.url,
        environment,
        logger,
      });
      cleanups.unshift(() => dashboard.close());
      options.onDashboardReady?.(dashboard.url);
    }
    const run = await createRun(store, config, { runId: options.runId, simulatorUrl: simulator?.url });
    options.onRunCreated?.(run);

    const workers = startWorkerProcess({
      prefix,
      redisUrl: redisHandle.url,
      logger,
      environment,
      concurrency: {
        generate: config.concurrency.generate,
        critique: config.concurrency.critique,
        select: config.concurrency.critique,
        personas: config.concurrency.personas,
      },
    });
    cleanups.unshift(() => workers.close(10_000));
    const scheduler = new Scheduler({
      prefix,
      redisUrl: redisHandle.url,
      logger,
      onlyRun: run.id,
      prepare: createRunPreparer({ prefix, redisUrl: redisHandle.url, logger }),
      release: createRunReleaser({ store, redis }),
      afterIteration: createIterationEvaluator({ redis, prefix, logger, environment }),
    });
    cleanups.unshift(() => scheduler.close());
    scheduler.start();

    options.signal?.addEventListener('abort', () => void store.requestCancel(run.id), { once: true });
    const progress = options.progress === false ? undefined : new RunProgress(store, run.id);
    let current: RunRecord | undefined = run;
    while (current && !TERMINAL_STATUSES.has(current.status)) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      current = progress ? await progress.update() : await store.getRun(run.id);
    }
    progress?.stop();
    // Read the counters now: a Redis spawned for this run is gone once we return.
    const iterations = await Promise.all(
      Array.from({ length: config.iterations }, (_, index) => store.iterationCounters(run.id, index + 1)),
    );
    const usage = await readUsage(redis, prefix, run.id);
    return { run: current ?? run, config, redisSource: redisHandle.source, iterations, usage };
  } finally {
    for (const cleanup of cleanups)
      await cleanup().catch((error) => logger.warn({ err: error }, 'cleanup-failed'));
  }
}
