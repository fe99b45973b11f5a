import type { IterationCounters, RunRecord } from '@parley/core';
import type { UsageReport } from '@parley/llm';
import { iterationTable } from './iteration-table';
import { plainTable } from './plain-table';

/** The end-of-run summary: outcome, per-iteration counts and pass rates, tokens and cost per model. */
export function runSummary(
  run: RunRecord,
  iterations: readonly IterationCounters[],
  usage: UsageReport,
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
  const lines = [
    `run ${run.id}: ${run.status}${run.error ? ` (${run.error})` : ''}`,
    iterationTable(iterations),
    models.toString(),
  ];
  if (run.status === 'completed') lines.push(`release: ${run.runFolder}`);
  return lines.join('\n');
}
