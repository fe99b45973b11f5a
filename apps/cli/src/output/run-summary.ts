import type { CriticConfig, IterationCounters, RunRecord } from '@parley/core';
import type { UsageReport } from '@parley/llm';
import { RunFolder } from '@parley/scheduler';
import { iterationTable } from './iteration-table';
import { plainTable } from './plain-table';
import { failuresLine, pairTotalsLine, runOutcomeLine } from './run-outcome';

/**
 * The end-of-run summary: outcome (and why, for a failed run) on the first line, pair totals,
 * failures by category, per-iteration counts and pass rates, tokens and cost per model.
 */
export function runSummary(
  run: RunRecord,
  iterations: readonly IterationCounters[],
  usage: UsageReport,
  critic?: Pick<CriticConfig, 'filters' | 'toxicity'>,
): string {
  const models = plainTable([
    'model',
    'calls',
    'cached',
    'input tokens',
    'output tokens',
    'cost (USD)',
    '429s',
    'retries',
  ]);
  for (const [name, totals] of Object.entries(usage.byModel)) {
    models.push([
      name,
      totals.calls,
      totals.cachedCalls,
      totals.inputTokens,
      totals.outputTokens,
      totals.costUsd.toFixed(4),
      totals.rateLimited,
      totals.retries,
    ]);
  }
  const failures = failuresLine(iterations);
  const lines = [
    runOutcomeLine(run),
    pairTotalsLine(iterations),
    ...(failures ? [failures] : []),
    iterationTable(iterations, critic),
    models.toString(),
  ];
  if (run.status === 'completed') lines.push(`release: ${run.runFolder}`);
  else if (run.status === 'failed' && iterations.some((iteration) => iteration.failed > 0))
    lines.push(
      `no release; every failure and its reason: ${new RunFolder(run.runFolder).workIterationsFolder}`,
    );
  return lines.join('\n');
}
