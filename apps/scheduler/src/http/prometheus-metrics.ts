import { type RunStatus, type RunStore, runStatusSchema } from '@parley/core';
import { type RedisClient, readUsage } from '@parley/llm';
import type { Queue } from 'bullmq';
import { PrometheusText } from './prometheus-text';

/** BullMQ states reported per queue. */
export const QUEUE_STATES = [
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'waiting-children',
  'completed',
  'failed',
] as const;

const RUN_STATUSES: readonly RunStatus[] = runStatusSchema.options;

export interface MetricsSources {
  queues: readonly Queue[];
  store: RunStore;
  redis: RedisClient;
  prefix: string;
  /** Runs whose LLM usage and pair counts are exported (newest first). @defaultValue 100 */
  runLimit?: number;
  /** Runs counted by status. @defaultValue 1000 */
  statusLimit?: number;
}

/**
 * The text Prometheus scrapes at /metrics: BullMQ job counts per queue and state, runs by
 * status, and per run and model the LLM calls, tokens, cost and errors by kind from the usage
 * ledger that every worker adds to.
 */
export async function collectMetrics(sources: MetricsSources): Promise<string> {
  const text = new PrometheusText()
    .declare('parley_queue_jobs', 'gauge', 'Jobs in a Parley BullMQ queue, by state.')
    .declare('parley_queue_paused', 'gauge', '1 when a Parley queue is paused, else 0.')
    .declare('parley_runs', 'gauge', 'Runs known to Redis, by status.')
    .declare('parley_run_pairs_total', 'counter', 'Profile pairs settled in a run, by outcome.')
    .declare(
      'parley_llm_calls_total',
      'counter',
      'LLM calls that returned an answer, by run and model binding.',
    )
    .declare('parley_llm_cached_calls_total', 'counter', 'LLM requests answered from the response cache.')
    .declare('parley_llm_tokens_total', 'counter', 'LLM tokens, by run, model binding and direction.')
    .declare('parley_llm_cost_usd_total', 'counter', 'LLM cost in USD at the configured prices.')
    .declare(
      'parley_llm_errors_total',
      'counter',
      'LLM errors by kind: failed_call (after retries), retry, rate_limited (HTTP 429), invalid_output.',
    );

  const counts = await Promise.all(
    sources.queues.map(async (queue) => ({
      queue: queue.name,
      counts: await queue.getJobCounts(...QUEUE_STATES),
      paused: await queue.isPaused(),
    })),
  );
  for (const { queue, counts: byState } of counts) {
    for (const state of QUEUE_STATES) text.add('parley_queue_jobs', { queue, state }, byState[state] ?? 0);
  }
  for (const { queue, paused } of counts) text.add('parley_queue_paused', { queue }, paused ? 1 : 0);

  const allRuns = await sources.store.listRuns(sources.statusLimit ?? 1_000);
  const byStatus = Object.fromEntries(RUN_STATUSES.map((status) => [status, 0])) as Record<RunStatus, number>;
  for (const run of allRuns) byStatus[run.status] += 1;
  for (const status of RUN_STATUSES) text.add('parley_runs', { status }, byStatus[status]);

  const runs = allRuns.slice(0, sources.runLimit ?? 100);
  const perRun = await Promise.all(
    runs.map(async (run) => ({
      run,
      usage: await readUsage(sources.redis, sources.prefix, run.id),
      counters: await Promise.all(
        Array.from({ length: run.iterations }, (_, index) =>
          sources.store.iterationCounters(run.id, index + 1),
        ),
      ),
    })),
  );
  for (const { run, usage, counters } of perRun) {
    for (const outcome of ['accepted', 'rejected', 'failed'] as const) {
      const total = counters.reduce((sum, counter) => sum + counter[outcome], 0);
      text.add('parley_run_pairs_total', { run: run.id, outcome }, total);
    }
    for (const [model, totals] of Object.entries(usage.byModel).sort(([a], [b]) => a.localeCompare(b))) {
      const labels = { run: run.id, model };
      text.add('parley_llm_calls_total', labels, totals.calls);
      text.add('parley_llm_cached_calls_total', labels, totals.cachedCalls);
      text.add('parley_llm_tokens_total', { ...labels, direction: 'input' }, totals.inputTokens);
      text.add('parley_llm_tokens_total', { ...labels, direction: 'output' }, totals.outputTokens);
      text.add('parley_llm_cost_usd_total', labels, totals.costUsd);
      text.add('parley_llm_errors_total', { ...labels, kind: 'failed_call' }, totals.failedCalls);
      text.add('parley_llm_errors_total', { ...labels, kind: 'retry' }, totals.retries);
      text.add('parley_llm_errors_total', { ...labels, kind: 'rate_limited' }, totals.rateLimited);
      text.add('parley_llm_errors_total', { ...labels, kind: 'invalid_output' }, totals.invalidOutputs);
    }
  }
  return text.toString();
}
