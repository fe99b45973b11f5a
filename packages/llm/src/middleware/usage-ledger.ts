import { redisKey } from '@parley/core';
import { z } from 'zod';
import { type RedisClient, RedisScript } from './redis-script';

/** Counters kept per run, model and stage. */
export interface UsageTotals {
  /** Provider calls that returned an answer (each structured-output attempt is one). */
  calls: number;
  /** Calls that ended in an error after their retries. */
  failedCalls: number;
  /** Requests answered from the response cache, at no cost. */
  cachedCalls: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** Tokens the cached answers cost when they were first made (saved this time). */
  cachedInputTokens: number;
  cachedOutputTokens: number;
  /** Transport retries (429, 5xx, timeouts, connection errors). */
  retries: number;
  /** HTTP 429 answers received. */
  rateLimited: number;
  /** Structured answers rejected by parsing or the schema. */
  invalidOutputs: number;
  /** Of `inputTokens`, read from the provider's prompt cache (priced at the cached-input price). */
  cacheReadInputTokens: number;
  /** Of `inputTokens`, written to the provider's prompt cache (priced at the cache-write price). */
  cacheWriteInputTokens: number;
}

export type UsageDelta = Partial<UsageTotals>;

const METRICS = [
  'calls',
  'failedCalls',
  'cachedCalls',
  'inputTokens',
  'outputTokens',
  'costUsd',
  'cachedInputTokens',
  'cachedOutputTokens',
  'retries',
  'rateLimited',
  'invalidOutputs',
  'cacheReadInputTokens',
  'cacheWriteInputTokens',
] as const satisfies ReadonlyArray<keyof UsageTotals>;

export function emptyUsageTotals(): UsageTotals {
  return Object.fromEntries(METRICS.map((metric) => [metric, 0])) as unknown as UsageTotals;
}

/** A run's usage: totals, by model (binding name), by stage, and by model then stage. */
export interface UsageReport {
  runId: string;
  total: UsageTotals;
  byModel: Record<string, UsageTotals>;
  byStage: Record<string, UsageTotals>;
  byModelAndStage: Record<string, Record<string, UsageTotals>>;
}

/** Stage recorded for calls that name none. */
export const UNSPECIFIED_STAGE = 'unspecified';

/** The hash holding one run's usage. Its fields are JSON `[model, stage, metric]`, so any name is safe in them. */
export function usageKey(prefix: string, runId: string): string {
  return redisKey(prefix, 'llm', 'run', runId, 'usage');
}

// One command for the whole delta: a pipeline of 3–5 HINCRBYs per LLM call cost a worker
// ~5% of its CPU in ioredis bookkeeping (measured by bench/). Triples of (field, amount,
// 'f' for the float cost or 'i' for a count).
const RECORD_USAGE_LUA = `
for index = 1, #ARGV, 3 do
  if ARGV[index + 2] == 'f' then
    redis.call('HINCRBYFLOAT', KEYS[1], ARGV[index], ARGV[index + 1])
  else
    redis.call('HINCRBY', KEYS[1], ARGV[index], ARGV[index + 1])
  end
end
return 1
`;
const recordUsageScript = new RedisScript('parley-usage-record', RECORD_USAGE_LUA);

/**
 * Adds usage to a run's hash (HINCRBY for counts, HINCRBYFLOAT for cost) in one round trip.
 * Every process of a run adds to the same hash, so totals are the run's, not the process's.
 */
export async function recordUsage(
  redis: RedisClient,
  prefix: string,
  runId: string,
  model: string,
  stage: string,
  delta: UsageDelta,
): Promise<void> {
  const triples: Array<string | number> = [];
  // The field is JSON `[model, stage, metric]`; its common head is encoded once.
  const head = JSON.stringify([model, stage]).slice(0, -1);
  for (const metric of METRICS) {
    const value = delta[metric];
    if (!value) continue;
    if (metric === 'costUsd') triples.push(`${head},"${metric}"]`, value, 'f');
    else triples.push(`${head},"${metric}"]`, Math.round(value), 'i');
  }
  if (triples.length === 0) return;
  await recordUsageScript.run(redis, [usageKey(prefix, runId)], triples);
}

const fieldSchema = z.tuple([z.string(), z.string(), z.enum(METRICS)]);

/** Reads a run's usage totals, whoever recorded them. */
export async function readUsage(redis: RedisClient, prefix: string, runId: string): Promise<UsageReport> {
  const fields = await redis.hgetall(usageKey(prefix, runId));
  const report: UsageReport = {
    runId,
    total: emptyUsageTotals(),
    byModel: {},
    byStage: {},
    byModelAndStage: {},
  };
  for (const [field, raw] of Object.entries(fields)) {
    let parsed: z.infer<typeof fieldSchema>;
    try {
      parsed = fieldSchema.parse(JSON.parse(field));
    } catch {
      continue; // not ours: a usage hash holds nothing else, but a stray field must not break a report
    }
    const [model, stage, metric] = parsed;
    const value = Number(raw);
    if (!Number.isFinite(value)) continue;
    report.byModel[model] ??= emptyUsageTotals();
    report.byStage[stage] ??= emptyUsageTotals();
    report.byModelAndStage[model] ??= {};
    report.byModelAndStage[model][stage] ??= emptyUsageTotals();
    for (const totals of [
      report.total,
      report.byModel[model],
      report.byStage[stage],
      report.byModelAndStage[model][stage],
    ]) {
      totals[metric] += value;
    }
  }
  return report;
}
