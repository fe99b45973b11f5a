import type { CriticConfig, IterationCounters, RunRecord } from '@parley/core';
import type { UsageReport } from '@parley/llm';
import { RunFolder } from '@parley/scheduler';
import { fittedTable, SUMMARY_COLUMNS } from './fitted-table';
import { expertPassTable, iterationTable } from './iteration-table';
import { failuresLine, pairTotalsLine, runOutcomeLine } from './run-outcome';
import { formatDollars, formatElapsed } from './terminal-units';

/**
 * The end-of-run summary, within SUMMARY_COLUMNS: outcome (and why, for a failed run) on the
 * first line, pair totals, time and cost, failures by category, per-iteration counts, expert
 * pass rates (a row per expert), tokens and cost per model.
 */
export function runSummary(
  run: RunRecord,
  iterations: readonly IterationCounters[],
  usage: UsageReport,
  critic?: Pick<CriticConfig, 'filters' | 'toxicity'>,
): string {
  const models = fittedTable(
    ['model', 'calls', 'cached', 'tokens in', 'tokens out', 'cost (USD)', '429s', 'retries', 'malformed'],
    Object.entries(usage.byModel).map(([name, totals]) => [
      name,
      totals.calls,
      totals.cachedCalls,
      totals.inputTokens,
      totals.outputTokens,
      totals.costUsd.toFixed(4),
      totals.rateLimited,
      totals.retries,
      totals.invalidOutputs,
    ]),
    SUMMARY_COLUMNS,
  );
  const failures = failuresLine(iterations);
  const experts = expertPassTable(iterations, critic, SUMMARY_COLUMNS);
  const took = run.finishedAt === undefined ? '' : `took ${formatElapsed(run.finishedAt - run.createdAt)}; `;
  const lines = [
    runOutcomeLine(run),
    pairTotalsLine(iterations),
    `${took}cost ${formatDollars(usage.total.costUsd)}`,
    ...(failures ? [failures] : []),
    iterationTable(iterations, SUMMARY_COLUMNS),
    ...(experts ? ['expert pass rates, in the order the Critic runs them:', experts] : []),
    models,
  ];
  if (run.status === 'completed') lines.push(`release: ${run.runFolder}`);
  else if (run.status === 'failed' && iterations.some((iteration) => iteration.failed > 0))
    lines.push(
      `no release; every failure and its reason: ${new RunFolder(run.runFolder).workIterationsFolder}`,
    );
  return lines.join('\n');
}
