import { createRedisConnection, keyPrefix, type RunRecord, RunStore, TERMINAL_STATUSES } from '@parley/core';
import type { Command } from 'commander';
import { iterationTable } from '../output/iteration-table';
import { plainTable } from '../output/plain-table';

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
        for (;;) {
          const run = await store.getRun(runId);
          if (!run) throw new Error(`no run ${runId} in Redis (see \`parley runs\`)`);
          const iterations = await Promise.all(
            Array.from({ length: run.iterations }, (_, index) => store.iterationCounters(runId, index + 1)),
          );
          if (options.json) process.stdout.write(`${JSON.stringify({ run, iterations }, null, 2)}\n`);
          else process.stdout.write(`${describeRun(run)}\n${iterationTable(iterations)}\n`);
          if (!options.follow || TERMINAL_STATUSES.has(run.status)) return;
          await new Promise((resolve) => setTimeout(resolve, 2_000));
        }
      });
    });

  program
    .command('runs')
    .description('List runs, newest first')
    .option('--json', 'print JSON')
    .option('--limit <n>', 'how many', (value) => Number.parseInt(value, 10), 20)
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
        if (!run) throw new Error(`no run ${runId} in Redis`);
        if (TERMINAL_STATUSES.has(run.status)) {
          process.stdout.write(`${runId} is already ${run.status}\n`);
          return;
        }
        await store.requestCancel(runId);
        process.stdout.write(`${runId}: cancellation requested\n`);
      });
    });
}

export function describeRun(run: RunRecord): string {
  const lines = [
    `run ${run.id} (${run.name}): ${run.status}${run.phase ? `, ${run.phase}` : ''}`,
    `iteration ${run.iteration}/${run.iterations}, folder ${run.runFolder}`,
  ];
  if (run.error) lines.push(`error: ${run.error}`);
  return lines.join('\n');
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
