import {
  type CriticConfig,
  createRedisConnection,
  type IterationCounters,
  keyPrefix,
  ParleyError,
  type RunRecord,
  RunStore,
  TERMINAL_STATUSES,
} from '@parley/core';
import { type BatchProgress, readBatchProgress } from '@parley/llm';
import { IterationTokenReader, type RunView, RunViews } from '@parley/scheduler';
import type { Command } from 'commander';
import { parsePositiveInteger } from '../options/number-options';
import { projectRunCost } from '../output/cost-projection';
import { fittedTable, SUMMARY_COLUMNS } from '../output/fitted-table';
import { expertPassTable, iterationTable } from '../output/iteration-table';
import { LiveBlock } from '../output/live-block';
import { paceLine, projectedCost } from '../output/progress-lines';
import { failuresLine, oneLine, pairTotalsLine, runOutcomeLine, runSucceeded } from '../output/run-outcome';
import { formatDollars, formatElapsed } from '../output/terminal-units';
import { callsLine, tokensLine } from '../output/usage-lines';

/** `parley status RUN`, `parley runs`, `parley cancel RUN`: read and steer runs in Redis. */
export function registerRunStatusCommands(program: Command): void {
  program
    .command('status')
    .argument('<run>', 'run id')
    .description('Show a run: status, pace and ETA, tokens and cost, iterations, expert pass rates')
    .option('--json', 'print JSON')
    .option('--follow', 'refresh until the run finishes (redrawn in place on a terminal)')
    .action(async (runId: string, options: { json?: boolean; follow?: boolean }) => {
      await withStore(async ({ store, views }) => {
        const config = await store.getConfig(runId).catch(() => undefined);
        const critic = config?.critic;
        // Models whose calls go through a Batch API: their queues show how far the batches are.
        const batchModels = Object.entries(config?.models ?? {}).filter(
          ([, model]) => model.execution === 'batch',
        );
        // On a terminal, following redraws the block in place; in a pipe or a log, it reprints.
        const block =
          options.follow && !options.json && process.stdout.isTTY ? new LiveBlock(process.stdout) : undefined;
        try {
          for (;;) {
            const view = await views.get(runId);
            if (!view) throw noRun(runId);
            const iterations = await store.runCounters(runId, view.run.iterations);
            if (options.json) {
              const { run, usage, progress } = view;
              process.stdout.write(`${JSON.stringify({ run, iterations, usage, progress }, null, 2)}\n`);
            } else {
              const batches = await Promise.all(
                batchModels.map(async ([name, model]) =>
                  batchProgressLine(name, model, await readBatchProgress(store.redis, store.prefix, model)),
                ),
              );
              const text = [describeRunView(view, iterations, critic), ...batches].join('\n');
              if (block) block.render(text.split('\n'));
              else process.stdout.write(`${text}\n`);
            }
            if (!options.follow) return;
            if (view.terminal) {
              block?.done();
              // Following is waiting: like `parley run`, the exit code says how the run ended.
              if (!runSucceeded(view.run)) {
                process.stderr.write(`parley: ${runOutcomeLine(view.run)}\n`);
                process.exitCode = 1;
              }
              return;
            }
            await new Promise((resolve) => setTimeout(resolve, 2_000));
          }
        } finally {
          block?.done();
        }
      });
    });

  program
    .command('runs')
    .description('List runs, newest first: status, pairs, acceptance, cost and duration')
    .option('--json', 'print JSON')
    .option('--limit <n>', 'how many', parsePositiveInteger, 20)
    .action(async (options: { json?: boolean; limit: number }) => {
      await withStore(async ({ views }) => {
        const runs = await views.list(options.limit);
        if (options.json) {
          process.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
          return;
        }
        if (runs.length === 0) {
          process.stdout.write('no runs\n');
          return;
        }
        const rows = runs.map(({ run, terminal, progress, acceptanceRate, costUsd }) => [
          run.id,
          run.status,
          `${run.iteration}/${run.iterations}`,
          `${progress.pairsDone}/${progress.pairsPlanned}`,
          acceptanceRate === null ? '-' : `${(100 * acceptanceRate).toFixed(1)}%`,
          costCell(
            costUsd,
            projectRunCost({
              spentUsd: costUsd,
              pairsSettled: progress.pairsDone,
              pairsPlanned: progress.pairsPlanned,
              finished: terminal,
            }),
            terminal,
          ),
          formatElapsed(progress.elapsedMs),
          `${new Date(run.createdAt).toISOString().slice(0, 19)}Z`,
          run.runFolder,
        ]);
        // A terminal's width is kept (long folders wrap in their column); a pipe gets whole lines.
        const width = process.stdout.isTTY
          ? process.stdout.columns || SUMMARY_COLUMNS
          : Number.POSITIVE_INFINITY;
        const head = [
          'run',
          'status',
          'iteration',
          'pairs',
          'acceptance',
          'cost',
          'duration',
          'created',
          'folder',
        ];
        process.stdout.write(`${fittedTable(head, rows, width)}\n`);
      });
    });

  program
    .command('cancel')
    .argument('<run>', 'run id')
    .description('Cancel a run: no new jobs start; what was paid for stays in the run folder')
    .action(async (runId: string) => {
      await withStore(async ({ store }) => {
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

/**
 * `parley status`: the run (describeRun), then, from the dashboard's view of it, the pace while
 * it lasts and the tokens and cost the usage ledger holds, then iteration counts and expert pass
 * rates, within SUMMARY_COLUMNS.
 */
export function describeRunView(
  view: RunView,
  iterations: readonly IterationCounters[],
  critic?: Pick<CriticConfig, 'filters' | 'toxicity'>,
): string {
  const experts = expertPassTable(iterations, critic);
  return [
    describeRun(view.run, iterations),
    ...(view.terminal ? [] : [paceLine(view), costProjectionLine(view)]),
    tokensLine(view.usage.total),
    callsLine(view.usage.total),
    iterationTable(iterations),
    ...(experts ? [experts] : []),
  ].join('\n');
}

/** `$0.0123`, and for a run still going `$0.0123 → ~$0.0182` (its projected final cost). */
function costCell(spent: number, projected: number | null, terminal: boolean): string {
  return terminal || projected === null
    ? formatDollars(spent)
    : `${formatDollars(spent)} → ~${formatDollars(projected)}`;
}

/** `cost so far $0.0123, projected $0.0182 (from 27 of 40 pairs settled)`, or why there is no projection yet. */
export function costProjectionLine(view: RunView): string {
  const projected = projectedCost(view);
  const spent = `cost so far ${formatDollars(view.budget.costUsd)}`;
  return projected === null
    ? `${spent}, projected when the first pair settles`
    : `${spent}, projected ${formatDollars(projected)} (from ${view.progress.pairsDone} of ${view.progress.pairsPlanned} pairs settled)`;
}

/**
 * `batch gen (openai gpt-4.1-mini): 12 waiting, 2 batches in flight; 140 lines in 34 batches,
 * 120 answered, 22 resubmitted` (counts over every run that uses that provider model).
 */
export function batchProgressLine(
  name: string,
  model: { provider: string; model: string },
  progress: BatchProgress,
): string {
  return (
    `batch ${name} (${model.provider} ${model.model}): ${progress.waiting} waiting, ` +
    `${progress.inFlight} batch${progress.inFlight === 1 ? '' : 'es'} in flight; ` +
    `${progress.linesSubmitted} lines in ${progress.batchesSubmitted} batches, ` +
    `${progress.answered} answered, ${progress.resubmitted} resubmitted`
  );
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

async function withStore(
  body: (context: { store: RunStore; views: RunViews }) => Promise<void>,
): Promise<void> {
  const redis = createRedisConnection();
  redis.on('error', () => {});
  try {
    const prefix = keyPrefix();
    const store = new RunStore(redis, prefix);
    await body({ store, views: new RunViews({ store, redis, prefix, tokens: new IterationTokenReader() }) });
  } finally {
    redis.disconnect();
  }
}
