import {
  createRedisConnection,
  type IterationCounters,
  keyPrefix,
  ParleyError,
  type RunRecord,
  RunStore,
  TERMINAL_STATUSES,
} from '@parley/core';
import type { Command } from 'commander';
import { parsePositiveInteger } from '../options/number-options';
import { iterationTable } from '../output/iteration-table';
import { plainTable } from '../output/plain-table';
import { failuresLine, oneLine, pairTotalsLine, runOutcomeLine, runSucceeded } from '../output/run-outcome';

/** `parley status RUN`, `parley runs`, `parley cancel RUN`: read and steer runs in Redis. */
export function registerRunStatusCommands(program: Command): void {
  program
    .command('status')
    .argument('<run>', 'run id')
    .description('Show a run: status, iterations, acceptance and expert pass rates')
    .option('--json', 'print JSON')
    .option('--follow', 'refresh until the run finishes')
    .action(async (runId: string, options: { json?: boolean; follow?: boolean }) => {
      await withStore(async (store) => {
        const critic = await store
          .getConfig(runId)
          .then((config) => config.critic)
          .catch(() => undefined);
        for (;;) {
          const run = await store.getRun(runId);
          if (!run) throw noRun(runId);
          const iterations = await store.runCounters(runId, run.iterations);
          if (options.json) process.stdout.write(`${JSON.stringify({ run, iterations }, null, 2)}\n`);
          else
            process.stdout.write(`${describeRun(run, iterations)}\n${iterationTable(iterations, critic)}\n`);
          if (!options.follow) return;
          if (TERMINAL_STATUSES.has(run.status)) {
            // Following is waiting: like `parley run`, the exit code says how the run ended.
            if (!runSucceeded(run)) {
              process.stderr.write(`parley: ${runOutcomeLine(run)}\n`);
              process.exitCode = 1;
            }
            return;
          }
          await new Promise((resolve) => setTimeout(resolve, 2_000));
        }
      });
    });

  program
    .command('runs')
    .description('List runs, newest first')
    .option('--json', 'print JSON')
    .option('--limit <n>', 'how many', parsePositiveInteger, 20)
    .action(async (options: { json?: boolean; limit: number }) => {
      await withStore(async (store) => {
        const runs = await store.listRuns(options.limit);
        if (options.json) {
          process.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
          return;
        }
        const table = plainTable(['run', 'status', 'iteration', 'created', 'folder']);
        for (const run of runs) {
          table.push([
            run.id,
            run.status,
            `${run.iteration}/${run.iterations}`,
            new Date(run.createdAt).toISOString(),
            run.runFolder,
          ]);
        }
        process.stdout.write(`${runs.length === 0 ? 'no runs' : table.toString()}\n`);
      });
    });

  program
    .command('cancel')
    .argument('<run>', 'run id')
    .description('Cancel a run: no new jobs start; what was paid for stays in the run folder')
    .action(async (runId: string) => {
      await withStore(async (store) => {
        const run = await store.getRun(runId);
        if (!run) throw noRun(runId);
        if (TERMINAL_STATUSES.has(run.status)) {
          process.stdout.write(`${runId} is already ${run.status}\n`);
          return;
        }
        const outcome = await store.cancelRun(runId);
        process.stdout.write(
          outcome === 'cancelled'
            ? `${runId}: cancelled (no scheduler was driving it)\n`
            : outcome === 'requested'
              ? `${runId}: cancellation requested; its scheduler starts no new job\n`
              : `${runId} is already over\n`,
        );
      });
    });
}

export function describeRun(run: RunRecord, iterations: readonly IterationCounters[] = []): string {
  const lines = [
    `${runOutcomeLine(run)}${run.phase ? `, ${oneLine(run.phase)}` : ''}`,
    `iteration ${run.iteration}/${run.iterations}, folder ${run.runFolder}`,
  ];
  if (iterations.length > 0) lines.push(pairTotalsLine(iterations));
  const failures = failuresLine(iterations);
  if (failures) lines.push(failures);
  return lines.join('\n');
}

/** A user error (exit 2, one line): the id names no run in this Redis and namespace. */
function noRun(runId: string): ParleyError {
  return new ParleyError(
    `no run ${runId} in Redis (see \`parley runs\`; PARLEY_NAMESPACE picks the namespace)`,
    {
      code: 'RUN_NOT_FOUND',
    },
  );
}

async function withStore(body: (store: RunStore) => Promise<void>): Promise<void> {
  const redis = createRedisConnection();
  redis.on('error', () => {});
  try {
    await body(new RunStore(redis, keyPrefix()));
  } finally {
    redis.disconnect();
  }
}
