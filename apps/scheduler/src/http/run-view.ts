import {
  type IterationCounters,
  type RunConfig,
  type RunRecord,
  type RunStore,
  TERMINAL_STATUSES,
} from '@parley/core';
import { emptyUsageTotals, type RedisClient, readUsage, type UsageTotals } from '@parley/llm';
import { publicConfig, publicUrl } from '../release/public-config';
import { type EvalSummary, readEvalReport } from './eval-report';
import type { IterationTokenReader } from './iteration-token-reader';
import { redactSecrets, redactText } from './redact-secrets';

/** An expert's filter results in one iteration. */
export interface ExpertPassView {
  passed: number;
  total: number;
  /** passed / total, null before the expert judged anything. */
  passRate: number | null;
}

/** One iteration as the dashboard shows it. */
export interface IterationView {
  iteration: number;
  state: 'waiting' | 'running' | 'finished';
  planned: number;
  enqueued: number;
  accepted: number;
  rejected: number;
  failed: number;
  /** Pairs settled: accepted + rejected + failed. */
  done: number;
  /** accepted / done. */
  acceptanceRate: number | null;
  experts: Record<string, ExpertPassView>;
  startedAt: number | null;
  finishedAt: number | null;
  durationMs: number | null;
  /** Pairs settled per minute while the iteration ran. */
  pairsPerMinute: number | null;
  /** Tokens recorded with the iteration's pairs (generation, critique and vote). */
  inputTokens: number | null;
  outputTokens: number | null;
  /** Those tokens at the run's models' prices (a token-weighted blend when several models share the work). */
  costUsd: number | null;
  /** From eval.json, when evaluation ran. */
  losingRate: number | null;
}

/** Where the whole run stands and when it should end. */
export interface RunProgressView {
  pairsDone: number;
  /** Pairs of every iteration; iterations not begun are counted at the size of the last planned one. */
  pairsPlanned: number;
  fraction: number;
  elapsedMs: number;
  /** Pairs per minute: the current iteration's pace, else the run's average. */
  pairsPerMinute: number | null;
  /** Estimated time left, null when there is no pace yet or the run is over. */
  etaMs: number | null;
}

export interface RunView {
  run: RunRecord;
  terminal: boolean;
  /** The job config with credentials cut from URLs; null when Redis holds none. */
  config: RunConfig | null;
  iterations: IterationView[];
  progress: RunProgressView;
  usage: { total: UsageTotals; byModel: Record<string, UsageTotals>; byStage: Record<string, UsageTotals> };
  evaluation: { file: string; problem?: string } | null;
  generatedAt: number;
}

/** One line of the runs list. */
export interface RunSummaryView {
  run: RunRecord;
  terminal: boolean;
  progress: RunProgressView;
  acceptanceRate: number | null;
  costUsd: number;
  totalTokens: number;
}

export interface RunViewsOptions {
  store: RunStore;
  redis: RedisClient;
  prefix: string;
  tokens: IterationTokenReader;
  /** Secrets to scrub besides those registered with the logger. */
  secrets?: readonly string[];
  /** For tests. @defaultValue Date.now */
  now?: () => number;
}

/** Builds what the dashboard, the JSON API and (in part) /metrics show of runs. */
export class RunViews {
  private readonly configs = new Map<string, RunConfig | null>();
  private readonly now: () => number;

  constructor(private readonly options: RunViewsOptions) {
    this.now = options.now ?? Date.now;
  }

  async list(limit = 50): Promise<RunSummaryView[]> {
    const runs = await this.options.store.listRuns(limit);
    return Promise.all(
      runs.map(async (run) => {
        const [counters, usage, config] = await Promise.all([
          this.counters(run),
          readUsage(this.options.redis, this.options.prefix, run.id),
          this.config(run.id),
        ]);
        const iterations = counters.map((counter) =>
          iterationView(counter, this.now(), null, null, undefined),
        );
        const done = iterations.reduce((sum, iteration) => sum + iteration.done, 0);
        const accepted = iterations.reduce((sum, iteration) => sum + iteration.accepted, 0);
        return {
          run: this.publicRun(run),
          terminal: TERMINAL_STATUSES.has(run.status),
          progress: progressView(run, iterations, config, this.now()),
          acceptanceRate: done > 0 ? accepted / done : null,
          costUsd: usage.total.costUsd,
          totalTokens: usage.total.inputTokens + usage.total.outputTokens,
        };
      }),
    );
  }

  async get(runId: string): Promise<RunView | undefined> {
    const run = await this.options.store.getRun(runId);
    if (!run) return undefined;
    const [counters, usage, config, evaluation, tokens] = await Promise.all([
      this.counters(run),
      readUsage(this.options.redis, this.options.prefix, run.id),
      this.config(run.id),
      readEvalReport(run.runFolder),
      this.options.tokens.read(run.runFolder, run.iterations).catch(() => new Map()),
    ]);
    const rates = blendedPrices(config, usage.byModelAndStage);
    const now = this.now();
    const iterations = counters.map((counter) => {
      const spent = tokens.get(counter.iteration);
      const cost =
        spent && rates
          ? (spent.inputTokens * rates.input + spent.outputTokens * rates.output) / 1_000_000
          : null;
      return iterationView(counter, now, spent ?? null, cost, evaluation);
    });
    return {
      run: this.publicRun(run),
      terminal: TERMINAL_STATUSES.has(run.status),
      config: config ? redactSecrets(publicConfig(config), { secrets: this.options.secrets }) : null,
      iterations,
      progress: progressView(run, iterations, config, now),
      usage: { total: usage.total, byModel: usage.byModel, byStage: usage.byStage },
      evaluation: evaluation
        ? { file: evaluation.file, ...(evaluation.problem ? { problem: evaluation.problem } : {}) }
        : null,
      generatedAt: now,
    };
  }

  private async counters(run: RunRecord): Promise<IterationCounters[]> {
    return Promise.all(
      Array.from({ length: run.iterations }, (_, index) =>
        this.options.store.iterationCounters(run.id, index + 1),
      ),
    );
  }

  /** A run's config never changes once created: read it once. */
  private async config(runId: string): Promise<RunConfig | null> {
    if (this.configs.has(runId)) return this.configs.get(runId) ?? null;
    const config = await this.options.store.getConfig(runId).catch(() => null);
    this.configs.set(runId, config);
    return config;
  }

  private publicRun(run: RunRecord): RunRecord {
    const secrets = this.options.secrets ?? [];
    return {
      ...run,
      ...(run.simulatorUrl ? { simulatorUrl: redactText(publicUrl(run.simulatorUrl), secrets) } : {}),
      ...(run.error ? { error: redactText(run.error, secrets) } : {}),
    };
  }
}

function iterationView(
  counter: IterationCounters,
  now: number,
  tokens: { inputTokens: number; outputTokens: number } | null,
  costUsd: number | null,
  evaluation: EvalSummary | undefined,
): IterationView {
  const done = counter.accepted + counter.rejected + counter.failed;
  const startedAt = counter.startedAt ?? null;
  const finishedAt = counter.finishedAt ?? null;
  const durationMs = startedAt === null ? null : (finishedAt ?? now) - startedAt;
  const experts: Record<string, ExpertPassView> = {};
  for (const [name, counts] of Object.entries(counter.experts).sort(([a], [b]) => a.localeCompare(b))) {
    experts[name] = { ...counts, passRate: counts.total > 0 ? counts.passed / counts.total : null };
  }
  return {
    iteration: counter.iteration,
    state: finishedAt !== null ? 'finished' : startedAt !== null ? 'running' : 'waiting',
    planned: counter.planned,
    enqueued: counter.enqueued,
    accepted: counter.accepted,
    rejected: counter.rejected,
    failed: counter.failed,
    done,
    acceptanceRate: done > 0 ? counter.accepted / done : null,
    experts,
    startedAt,
    finishedAt,
    durationMs,
    pairsPerMinute: durationMs && durationMs > 0 && done > 0 ? (done / durationMs) * 60_000 : null,
    inputTokens: tokens?.inputTokens ?? null,
    outputTokens: tokens?.outputTokens ?? null,
    costUsd,
    losingRate: evaluation?.losingRates[counter.iteration] ?? null,
  };
}

function progressView(
  run: RunRecord,
  iterations: IterationView[],
  config: RunConfig | null,
  now: number,
): RunProgressView {
  const lastPlanned = [...iterations].reverse().find((iteration) => iteration.planned > 0)?.planned;
  const sizeOfUnplanned = lastPlanned ?? config?.pairs ?? 0;
  const pairsPlanned = iterations.reduce(
    (sum, iteration) => sum + (iteration.planned > 0 ? iteration.planned : sizeOfUnplanned),
    0,
  );
  const pairsDone = iterations.reduce((sum, iteration) => sum + iteration.done, 0);
  const terminal = TERMINAL_STATUSES.has(run.status);
  const elapsedMs = (terminal ? (run.finishedAt ?? run.updatedAt) : now) - run.createdAt;
  const current = iterations.find((iteration) => iteration.state === 'running');
  const measured = iterations.filter((iteration) => iteration.durationMs && iteration.done > 0);
  const averagePace =
    measured.length > 0
      ? (measured.reduce((sum, iteration) => sum + iteration.done, 0) /
          measured.reduce((sum, iteration) => sum + (iteration.durationMs ?? 0), 0)) *
        60_000
      : null;
  const pairsPerMinute = current?.pairsPerMinute ?? averagePace;
  const remaining = Math.max(0, pairsPlanned - pairsDone);
  return {
    pairsDone,
    pairsPlanned,
    fraction: pairsPlanned > 0 ? Math.min(1, pairsDone / pairsPlanned) : terminal ? 1 : 0,
    elapsedMs: Math.max(0, elapsedMs),
    pairsPerMinute,
    etaMs: !terminal && pairsPerMinute && remaining > 0 ? (remaining / pairsPerMinute) * 60_000 : null,
  };
}

const LOOP_STAGE = /^(generate|critique|select)(:|$)/;

/**
 * USD per million input and output tokens of the Generator–Critic loop: each model's price,
 * weighted by the tokens it used in loop stages so far (the generator's price before any call).
 */
function blendedPrices(
  config: RunConfig | null,
  byModelAndStage: Record<string, Record<string, UsageTotals>>,
): { input: number; output: number } | null {
  if (!config) return null;
  let input = 0;
  let output = 0;
  let inputCost = 0;
  let outputCost = 0;
  for (const [model, stages] of Object.entries(byModelAndStage)) {
    const price = config.models[model]?.price;
    for (const [stage, totals] of Object.entries(stages)) {
      if (!LOOP_STAGE.test(stage)) continue;
      const usage = totals ?? emptyUsageTotals();
      input += usage.inputTokens;
      output += usage.outputTokens;
      inputCost += usage.inputTokens * (price?.inputPerMillionTokens ?? 0);
      outputCost += usage.outputTokens * (price?.outputPerMillionTokens ?? 0);
    }
  }
  if (input + output > 0) {
    return { input: input > 0 ? inputCost / input : 0, output: output > 0 ? outputCost / output : 0 };
  }
  const price = config.models[config.generator.model]?.price;
  return price ? { input: price.inputPerMillionTokens, output: price.outputPerMillionTokens } : null;
}
