import path from 'node:path';
import { createRedisConnection, keyPrefix, loadRunConfig, ParleyError, RunStore } from '@parley/core';
import { createRun, DEFAULT_DASHBOARD_PORT, preflightJob, resolveJobPaths } from '@parley/scheduler';
import type { Command } from 'commander';
import { runEmbedded } from '../embedded/run-embedded';
import { serveAfterRun } from '../embedded/serve-after-run';
import { parsePort } from '../options/number-options';
import { runOutcomeLine, runSucceeded } from '../output/run-outcome';
import { runSummary } from '../output/run-summary';
import { printEstimate } from './estimate-command';

interface RunOptions {
  runId?: string;
  detach?: boolean;
  dryRun?: boolean;
  progress: boolean;
  json?: boolean;
  /** `true` without a port. */
  dashboard?: true | number;
}

/** `parley run JOB`: embedded by default, `--detach` to enqueue for a running scheduler and workers. */
export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .argument('<job>', 'job file (YAML or JSON)')
    .description('Run a job: embedded (Redis, simulator, scheduler and workers in this process) or --detach')
    .option('--run-id <id>', 'run id (default: <name>-<timestamp>-<random>)')
    .option('--detach', 'create the run for `parley scheduler` and `parley worker` processes and return')
    .option(
      '--dry-run',
      'print what `parley estimate` prints and exit: nothing is created, no provider is called',
    )
    .option('--no-progress', 'no progress output')
    .option('--json', 'print the final run record and counters as JSON')
    .option(
      '--dashboard [port]',
      'serve the dashboard on 127.0.0.1 during the run and after it, until Ctrl-C (port 3000, 0 for any)',
      parsePort,
    )
    .action(async (job: string, options: RunOptions) => {
      if (options.dryRun) {
        await printEstimate(job, { json: options.json });
        return;
      }
      if (options.detach) {
        await detach(job, options);
        return;
      }
      const abort = new AbortController();
      const stopServing = new AbortController();
      let runOver = false;
      // Ctrl-C during the run cancels it (and a second one leaves at once, as before); once the
      // run is over, it stops the dashboard that kept serving.
      const onSignal = () => {
        if (runOver) {
          stopServing.abort();
          return;
        }
        if (abort.signal.aborted) process.exit(130);
        process.stderr.write('\nparley: cancelling the run (what was paid for stays in the run folder)...\n');
        abort.abort();
        // Cancelling means leaving: the dashboard is not kept open after a cancelled run.
        stopServing.abort();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        const result = await runEmbedded({
          jobFile: job,
          runId: options.runId,
          progress: options.progress,
          signal: abort.signal,
          onRunCreated: (run) => process.stderr.write(`parley: run ${run.id} → ${run.runFolder}\n`),
          // Under progress bars, log lines go to a file: say where, before the bars take over.
          onLogFile: (file) => process.stderr.write(`parley: log → ${file}\n`),
          dashboard:
            options.dashboard === undefined
              ? undefined
              : {
                  port: options.dashboard === true ? DEFAULT_DASHBOARD_PORT : options.dashboard,
                  keepServing: true,
                },
          onDashboardReady: (url) =>
            process.stderr.write(`parley: dashboard at ${url} (Bull Board at ${url}queues/)\n`),
        });
        runOver = true;
        const { run, iterations, usage, config } = result;
        process.stdout.write(
          options.json
            ? `${JSON.stringify({ run, iterations, usage }, null, 2)}\n`
            : `${runSummary(run, iterations, usage, config.critic)}\n`,
        );
        if (!runSucceeded(run)) {
          // The reason on one line on standard error too, where a script's log keeps it.
          process.stderr.write(`parley: ${runOutcomeLine(run)}\n`);
          process.exitCode = 1;
        }
        if (result.dashboard)
          await serveAfterRun(result.dashboard, stopServing.signal, (line) => process.stderr.write(line));
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}

async function detach(job: string, options: RunOptions): Promise<void> {
  const config = resolveJobPaths(await loadRunConfig(job), job);
  await preflightJob(config, {
    requireSimulatorUrl: true,
    jobFile: job,
    baseDirectory: path.dirname(path.resolve(job)),
  });
  const redis = createRedisConnection({ extra: { maxRetriesPerRequest: 1, retryStrategy: () => null } });
  redis.on('error', () => {});
  try {
    await redis.ping().catch((error: Error) => {
      throw new ParleyError(`Redis does not answer (${error.message}); set REDIS_URL`, {
        code: 'REDIS_UNREACHABLE',
      });
    });
    const run = await createRun(new RunStore(redis, keyPrefix()), config, {
      runId: options.runId,
      simulatorUrl: process.env.PARLEY_SIMULATOR_URL,
    });
    process.stdout.write(options.json ? `${JSON.stringify(run)}\n` : `${run.id}\n`);
  } finally {
    redis.disconnect();
  }
}
