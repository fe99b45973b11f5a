import type { ModelPrice, TokenUsage } from '@parley/core';

/**
 * USD of some usage at a model's published price per million tokens; 0 without a price.
 * Input read from the provider's prompt cache is priced at `cachedInputPerMillionTokens`, input
 * written to it at `cacheWritePerMillionTokens`; each falls back to the input price when unset
 * (never cheaper than the truth for reads; Anthropic's write premium needs the field set).
 */
export function costOf(usage: TokenUsage, price: ModelPrice | undefined): number {
  if (!price) return 0;
  const read = Math.min(usage.cacheReadInputTokens ?? 0, usage.inputTokens);
  const written = Math.min(usage.cacheWriteInputTokens ?? 0, usage.inputTokens - read);
  const plain = usage.inputTokens - read - written;
  return (
    (plain * price.inputPerMillionTokens +
      read * (price.cachedInputPerMillionTokens ?? price.inputPerMillionTokens) +
      written * (price.cacheWritePerMillionTokens ?? price.inputPerMillionTokens) +
      usage.outputTokens * price.outputPerMillionTokens) /
    1_000_000
  );
}
