import type { UsageTotals } from '@parley/llm';
import { formatCount, formatDollars } from './terminal-units';

/** `tokens: 929,665 in, 53,718 out; cost $0.1717`, from the run's usage ledger. */
export function tokensLine(total: UsageTotals): string {
  return `tokens: ${formatCount(total.inputTokens)} in, ${formatCount(total.outputTokens)} out; cost ${formatDollars(total.costUsd)}`;
}

/** `calls: 936 (12 cached), 93 retries, 93 × 429, 4 malformed answers, 0 failed`. */
export function callsLine(total: UsageTotals): string {
  return `calls: ${formatCount(total.calls)} (${formatCount(total.cachedCalls)} cached), ${problemCounts(total).join(', ')}`;
}

/** The provider trouble the ledger counts: `93 retries`, `93 × 429`, `4 malformed answers`, `0 failed`. */
export function problemCounts(total: UsageTotals): string[] {
  return [
    `${formatCount(total.retries)} retries`,
    `${formatCount(total.rateLimited)} × 429`,
    `${formatCount(total.invalidOutputs)} malformed answers`,
    `${formatCount(total.failedCalls)} failed`,
  ];
}
