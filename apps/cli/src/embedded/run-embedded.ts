import path from 'node:path';
import {
  createRedisConnection,
  defaultLogFormat,
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
  IterationTokenReader,
  preflightJob,
  RunFolder,
  RunViews,
  resolveJobPaths,
  Scheduler,
  startDashboardServer,
} from '@parley/scheduler';
import { type RunningSimulator, startSimulator } from '@parley/simulator';
import { startWorkerProcess } from '@parley/worker';
import type { Logger } from 'pino';
import { findOrSpawnRedis } from './embedded-redis';
import { RunLog } from './run-log';
import { RunProgress } from './run-progress';

/** The embedded run's log file while progress bars hold the terminal, in the run's work folder. */
export const RUN_LOG_FILE = 'parley.log';

export interface EmbeddedRunOptions {
  jobFile: string;
  runId?: string;
  /** Show progress bars / lines on standard error. @defaultValue true */
  progress?: boolean;
  /** Where progress goes (bars if it is a terminal). @defaultValue standard error */
  progressOutput?: NodeJS.WriteStream;
  /** Lines go where this logger sends them; without one, to standard error or the run's log file. */
  logger?: Logger;
  environment?: NodeJS.ProcessEnv;
  /** Called once the run exists (for a dashboard, or a test that wants the id early). */
  onRunCreated?: (run: RunRecord) => void;
  /**
   * Called when log lines start going to a file rather than the terminal: while progress bars
   * are shown on a terminal, a log line would break them.
   */
  onLogFile?: (file: string) => void;
  /** Aborting cancels the run (Ctrl-C). */
  signal?: AbortSignal;
  /**
   * Serve the dashboard (127.0.0.1 unless `host`) while the run lasts; port 0 picks a free one.
   * With `keepServing`, it (and a Redis spawned for the run) outlives the run: the result
   * carries it, and whoever holds the result closes it.
   */
  dashboard?: { host?: string; port: number; allowActions?: boolean; keepServing?: boolean };
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
  /** The dashboard still serving the finished run (only with `dashboard.keepServing`). */
  dashboard?: ServingDashboard;
}

/** A dashboard kept open after its run ended, so an open tab shows the final state. */
export interface ServingDashboard {
  url: string;
  /** Stops the server, then the Redis it reads if it was spawned for the run. */
  close(): Promise<void>;
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
  const progressOutput = options.progressOutput ?? process.stderr;
  const bars = options.progress !== false && progressOutput.isTTY === true;
  const runLog = options.logger
    ? undefined
    : new RunLog({ level: environment.PARLEY_LOG_LEVEL ?? 'warn', format: defaultLogFormat(environment) });
  const logger = options.logger ?? runLog!.logger;
  const config = resolveJobPaths(await loadRunConfig(options.jobFile), options.jobFile);
  const withSimulator = needsInProcessSimulator(config, environment);
  await preflightJob(config, {
    environment,
    jobFile: options.jobFile,
    baseDirectory: path.dirname(path.resolve(options.jobFile)),
  });

  const redisHandle = await findOrSpawnRedis(environment);
  let simulator: RunningSimulator | undefined;
  // Closed last to first when the run ends. What the dashboard needs (itself and Redis) is
  // kept apart, so that it can be handed over to the caller instead.
  const cleanups: Array<() => Promise<void>> = [];
  const serving: Array<() => Promise<void>> = [() => redisHandle.close()];
  if (runLog) cleanups.push(() => runLog.close());
  let handedOver = false;
  const closeAll = async (closers: Array<() => Promise<void>>) => {
    for (const close of closers)
      await close().catch((error) => logger.warn({ err: error }, 'cleanup-failed'));
  };
  try {
    if (withSimulator) {
      simulator = await startSimulator({
        ...config.simulator,
        textSource: config.simulator.textSource, // unset: the built-in corpus, never the seed's human lines
      });
      cleanups.unshift(() => simulator!.close());
    }
    const prefix = keyPrefix(environment.PARLEY_NAMESPACE);
    const redis = createRedisConnection({ url: redisHandle.url });
    cleanups.unshift(async () => void (await redis.quit().catch(() => redis.disconnect())));
    const store = new RunStore(redis, prefix);
    let dashboardUrl: string | undefined;
    if (options.dashboard) {
      const { host, port, allowActions } = options.dashboard;
      const dashboard = await startDashboardServer({
        host,
        port,
        allowActions,
        prefix,
        redisUrl: redisHandle.url,
        simulatorUrl: simulator?.url,
        environment,
        logger,
      });
      serving.unshift(() => dashboard.close());
      dashboardUrl = dashboard.url;
      options.onDashboardReady?.(dashboard.url);
    }
    const run = await createRun(store, config, { runId: options.runId, simulatorUrl: simulator?.url });
    options.onRunCreated?.(run);
    if (runLog && bars) {
      await runLog.toFile(path.join(new RunFolder(run.runFolder).workFolder, RUN_LOG_FILE));
      options.onLogFile?.(runLog.filePath!);
    }

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

    // Before the scheduler claims the run, cancelling ends it at once; after, it stops it.
    options.signal?.addEventListener('abort', () => void store.cancelRun(run.id), { once: true });
    const progress =
      options.progress === false
        ? undefined
        : new RunProgress(
            new RunViews({ store, redis, prefix, tokens: new IterationTokenReader() }),
            store,
            run.id,
            { output: progressOutput, interactive: bars, lastWarning: () => runLog?.lastWarning.text },
          );
    let current: RunRecord | undefined = run;
    try {
      while (current && !TERMINAL_STATUSES.has(current.status)) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        current = progress ? await progress.update() : await store.getRun(run.id);
      }
    } finally {
      // The last state stays on screen however the wait ended; a display that cannot be drawn
      // must not hide why the wait ended.
      await progress?.stop().catch((error) => logger.warn({ err: error }, 'progress-failed'));
    }
    // Read the counters now: a Redis spawned for this run is gone once we return.
    const iterations = await store.runCounters(run.id, config.iterations);
    const usage = await readUsage(redis, prefix, run.id);
    const result: EmbeddedRunResult = {
      run: current ?? run,
      config,
      redisSource: redisHandle.source,
      iterations,
      usage,
    };
    if (dashboardUrl !== undefined && options.dashboard?.keepServing) {
      handedOver = true;
      let closing: Promise<void> | undefined;
      result.dashboard = { url: dashboardUrl, close: () => (closing ??= closeAll(serving)) };
    }
    return result;
  } finally {
    await closeAll(cleanups);
    if (!handedOver) await closeAll(serving);
  }
}
