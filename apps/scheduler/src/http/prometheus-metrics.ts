import {
  addFailureCounts,
  type IterationCounters,
  type RunStatus,
  type RunStore,
  rankFailures,
  runStatusSchema,
} from '@parley/core';
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

/**
 * Runs that get per-run series (newest first). Every per-run family has a bounded set of other
 * labels (statuses, outcomes, the run's experts and models, failure categories), so this bounds
 * the series /metrics can grow to.
 */
export const METRICS_RUN_LIMIT = 100;

export interface MetricsSources {
  queues: readonly Queue[];
  store: RunStore;
  redis: RedisClient;
  prefix: string;
  /** Runs whose per-run series are exported (newest first). @defaultValue METRICS_RUN_LIMIT */
  runLimit?: number;
  /** Runs counted by status. @defaultValue 1000 */
  statusLimit?: number;
}

/**
 * The text Prometheus scrapes at /metrics: BullMQ job counts per queue and state, runs by
 * status; per run (the newest METRICS_RUN_LIMIT) its status, planned and settled pairs, filter
 * verdicts per expert and failures by category from its counters; and per run and model the
 * LLM calls, tokens, cost and errors by kind from the usage ledger that every worker adds to.
 */
export async function collectMetrics(sources: MetricsSources): Promise<string> {
  const text = new PrometheusText()
    .declare('parley_queue_jobs', 'gauge', 'Jobs in a Parley BullMQ queue, by state.')
    .declare('parley_queue_paused', 'gauge', '1 when a Parley queue is paused, else 0.')
    .declare('parley_runs', 'gauge', 'Runs known to Redis, by status.')
    .declare('parley_run_info', 'gauge', 'Always 1; carries the run name of a run id.')
    .declare('parley_run_status', 'gauge', "1 for the run's current status, 0 for the others.")
    .declare(
      'parley_run_pairs_planned',
      'gauge',
      'Profile pairs a run plans over every iteration (iterations not begun count at the last planned size).',
    )
    .declare('parley_run_pairs_total', 'counter', 'Profile pairs settled in a run, by outcome.')
    .declare(
      'parley_run_expert_verdicts_total',
      'counter',
      'Filter verdicts of a run by expert: passed, rejected, or unparseable (no verdict could be read).',
    )
    .declare(
      'parley_run_failures_total',
      'counter',
      'Failed candidates and pairs of a run, by failure category (provider-error (<status> <type>), unparseable, timeout, ...).',
    )
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

  const runs = allRuns.slice(0, sources.runLimit ?? METRICS_RUN_LIMIT);
  const perRun = await Promise.all(
    runs.map(async (run) => ({
      run,
      usage: await readUsage(sources.redis, sources.prefix, run.id),
      counters: await sources.store.runCounters(run.id, run.iterations),
    })),
  );
  for (const { run, usage, counters } of perRun) {
    text.add('parley_run_info', { run: run.id, name: run.name }, 1);
    for (const status of RUN_STATUSES)
      text.add('parley_run_status', { run: run.id, status }, run.status === status ? 1 : 0);
    text.add('parley_run_pairs_planned', { run: run.id }, plannedPairs(counters));
    for (const outcome of ['accepted', 'rejected', 'failed'] as const) {
      const total = counters.reduce((sum, counter) => sum + counter[outcome], 0);
      text.add('parley_run_pairs_total', { run: run.id, outcome }, total);
    }
    const experts: Record<string, { passed: number; total: number; unparseable: number }> = {};
    for (const counter of counters) {
      for (const [expert, counts] of Object.entries(counter.experts)) {
        const sum = experts[expert] ?? { passed: 0, total: 0, unparseable: 0 };
        experts[expert] = sum;
        sum.passed += counts.passed;
        sum.total += counts.total;
        sum.unparseable += counts.unparseable;
      }
    }
    for (const [expert, counts] of Object.entries(experts).sort(([a], [b]) => a.localeCompare(b))) {
      const labels = { run: run.id, expert };
      text.add('parley_run_expert_verdicts_total', { ...labels, verdict: 'passed' }, counts.passed);
      text.add(
        'parley_run_expert_verdicts_total',
        { ...labels, verdict: 'rejected' },
        counts.total - counts.passed,
      );
      text.add('parley_run_expert_verdicts_total', { ...labels, verdict: 'unparseable' }, counts.unparseable);
    }
    for (const [category, count] of rankFailures(
      addFailureCounts(...counters.map((counter) => counter.failures)),
    ))
      text.add('parley_run_failures_total', { run: run.id, category }, count);
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

/** Planned pairs of every iteration; those not begun count at the size of the last planned one. */
function plannedPairs(counters: readonly IterationCounters[]): number {
  const lastPlanned = [...counters].reverse().find((counter) => counter.planned > 0)?.planned ?? 0;
  return counters.reduce((sum, counter) => sum + (counter.planned > 0 ? counter.planned : lastPlanned), 0);
}
