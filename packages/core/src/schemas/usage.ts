import { z } from 'zod';

/** Token usage of one or more LLM calls. */
export const tokenUsageSchema = z.object({
  /** Every input token sent, prompt-cache reads and writes included. */
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  /** Of `inputTokens`, those read from the provider's prompt cache (billed at the cached price). */
  cacheReadInputTokens: z.number().int().nonnegative().optional(),
  /** Of `inputTokens`, those written to the provider's prompt cache (Anthropic; billed at the write price). */
  cacheWriteInputTokens: z.number().int().nonnegative().optional(),
});
export type TokenUsage = z.infer<typeof tokenUsageSchema>;

export const ZERO_USAGE: TokenUsage = Object.freeze({ inputTokens: 0, outputTokens: 0 });

export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  const sum: TokenUsage = {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
  };
  // Prompt-cache counts appear only when either side has them, so plain usage stays two fields.
  if (a.cacheReadInputTokens !== undefined || b.cacheReadInputTokens !== undefined) {
    sum.cacheReadInputTokens = (a.cacheReadInputTokens ?? 0) + (b.cacheReadInputTokens ?? 0);
  }
  if (a.cacheWriteInputTokens !== undefined || b.cacheWriteInputTokens !== undefined) {
    sum.cacheWriteInputTokens = (a.cacheWriteInputTokens ?? 0) + (b.cacheWriteInputTokens ?? 0);
  }
  return sum;
}
