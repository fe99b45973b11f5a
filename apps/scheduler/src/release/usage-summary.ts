import type { TokenUsage } from '@parley/core';
import { z } from 'zod';

/** Tokens, calls and cost of a set of LLM calls. */
export const usageTotalsSchema = z.object({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  /** Calls made, cached ones included. */
  calls: z.number().int().nonnegative(),
  /** USD; 0 for calls of a model without a price in the config. */
  costUsd: z.number().nonnegative(),
  /** Calls answered by the response cache (no tokens spent). */
  cachedCalls: z.number().int().nonnegative(),
});
export type UsageTotals = z.infer<typeof usageTotalsSchema>;

/**
 * A run's LLM usage: overall, by model name (from `models:`) and by pipeline stage
 * (`generate`, `critique:faithfulness`, `expand:query`, ...).
 */
export const usageSummarySchema = z.object({
  total: usageTotalsSchema,
  byModel: z.record(z.string(), usageTotalsSchema),
  byStage: z.record(z.string(), usageTotalsSchema),
});
export type UsageSummary = z.infer<typeof usageSummarySchema>;

/** One accounted LLM call (or a batch of them) to add to a summary. */
export interface UsageEntry {
  /** Model name from the config's `models:`. */
  model: string;
  stage: string;
  usage: TokenUsage;
  /** @defaultValue 0 */
  costUsd?: number;
  /** Calls this entry stands for. @defaultValue 1 */
  calls?: number;
  /** True when the response cache answered. @defaultValue false */
  cached?: boolean;
}

export function emptyUsageTotals(): UsageTotals {
  return { inputTokens: 0, outputTokens: 0, calls: 0, costUsd: 0, cachedCalls: 0 };
}

export function emptyUsageSummary(): UsageSummary {
  return { total: emptyUsageTotals(), byModel: {}, byStage: {} };
}

/** Adds an entry to a summary in place (a run accounts for many thousands of calls) and returns it. */
export function addUsageEntry(summary: UsageSummary, entry: UsageEntry): UsageSummary {
  const calls = entry.calls ?? 1;
  const delta: UsageTotals = {
    inputTokens: entry.usage.inputTokens,
    outputTokens: entry.usage.outputTokens,
    calls,
    costUsd: entry.costUsd ?? 0,
    cachedCalls: entry.cached ? calls : 0,
  };
  addInto(summary.total, delta);
  summary.byModel[entry.model] = addInto(summary.byModel[entry.model] ?? emptyUsageTotals(), delta);
  summary.byStage[entry.stage] = addInto(summary.byStage[entry.stage] ?? emptyUsageTotals(), delta);
  return summary;
}

function addInto(target: UsageTotals, delta: UsageTotals): UsageTotals {
  target.inputTokens += delta.inputTokens;
  target.outputTokens += delta.outputTokens;
  target.calls += delta.calls;
  target.costUsd += delta.costUsd;
  target.cachedCalls += delta.cachedCalls;
  return target;
}
