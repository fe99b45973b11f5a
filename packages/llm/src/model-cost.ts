import type { ModelPrice, TokenUsage } from '@parley/core';

/** USD of some usage at a model's published price per million tokens; 0 without a price. */
export function costOf(usage: TokenUsage, price: ModelPrice | undefined): number {
  if (!price) return 0;
  return (
    (usage.inputTokens * price.inputPerMillionTokens + usage.outputTokens * price.outputPerMillionTokens) /
    1_000_000
  );
}
