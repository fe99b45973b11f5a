import {
  addFailureCounts,
  billedShareOf,
  type IterationCounters,
  orderExperts,
  type RunConfig,
  type RunRecord,
  type RunStore,
  rankFailures,
  TERMINAL_STATUSES,
} from '@parley/core';
import { costOf, emptyUsageTotals, type RedisClient, readUsage, type UsageTotals } from '@parley/llm';
import type { Queue } from 'bullmq';
import { publicConfig, publicUrl } from '../release/public-config';
import { type EtaEstimate, estimateEta } from './eta-estimate';
import { type EvalSummary, readEvalReport } from './eval-report';
import type { IterationTokenReader } from './iteration-token-reader';
import { countPairsInFlight, type PairsInFlight } from './pairs-in-flight';
import { redactSecrets, redactText } from './redact-secrets';
import { ReleaseReader, type ReleaseView } from './release-view';

/** An expert's filter results in one iteration. */
export interface ExpertPassView {
  /** Real verdicts: `passed` of `total`. */
  passed: number;
  total: number;
  /** Answers that could not be read as a verdict, apart from `total`. */
  unparseable: number;
  /** passed / total, null before the expert judged anything. */
  passRate: number | null;
}

/**
 * Where an iteration stands. `partial`: it began but the run ended (failed, cancelled) before
 * all its pairs settled; `not-run`: the run ended before it began.
 */
export type IterationState = 'waiting' | 'running' | 'finished' | 'partial' | 'not-run';

/** One iteration as the dashboard shows it. */
export interface IterationView {
  iteration: number;
  state: IterationState;
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
  /** Failure category → failed pairs and candidates. */
  failures: Record<string, number>;
  /** Pairs in each stage now; only for the iteration that is running (null otherwise). */
  inFlight: PairsInFlight | null;
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
  /** The same with its range and how sure it is (see eta-estimate.ts). */
  eta: EtaEstimate | null;
}

/** Who drives a run that is not over yet. */
export type DriverView =
  | { state: 'scheduler'; holder: string }
  /** Created (through the API or `--detach`) and no scheduler has taken it yet. */
  | { state: 'waiting-for-scheduler' }
  /** Started, but no scheduler holds its lease now (it died): the next one to start resumes it. */
  | { state: 'no-scheduler' };

/** Spend so far against the job's `budget`. */
export interface BudgetView {
  costUsd: number;
  maxCostUsd: number | null;
  tokens: number;
  maxTokens: number | null;
}

export interface RunView {
  run: RunRecord;
  terminal: boolean;
  /** The job config with credentials cut from URLs; null when Redis holds none. */
  config: RunConfig | null;
  iterations: IterationView[];
  /** Filter experts in the order the Critic runs them (offline first), then any other counted. */
  expertOrder: string[];
  /** Failure categories of the whole run, most common first. */
  failures: Array<{ category: string; count: number }>;
  /** Null once the run is over. */
  driver: DriverView | null;
  release: ReleaseView;
  budget: BudgetView;
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
  /** The loop's BullMQ queues, for the pairs in each stage now; without them none are shown. */
  queues?: readonly Queue[];
  /** Secrets to scrub besides those registered with the logger. */
  secrets?: readonly string[];
  /** For tests. @defaultValue Date.now */
  now?: () => number;
}

/** Builds what the dashboard, the JSON API and (in part) /metrics show of runs. */
export class RunViews {
  private readonly configs = new Map<string, RunConfig | null>();
  private readonly releases = new ReleaseReader();
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
        const terminal = TERMINAL_STATUSES.has(run.status);
        const iterations = counters.map((counter) =>
          iterationView(counter, terminal, this.now(), null, null, undefined),
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
    const terminal = TERMINAL_STATUSES.has(run.status);
    const [counters, usage, config, evaluation, tokens, release, driver] = await Promise.all([
      this.counters(run),
      readUsage(this.options.redis, this.options.prefix, run.id),
      this.config(run.id),
      readEvalReport(run.runFolder),
      this.options.tokens.read(run.runFolder, run.iterations).catch(() => new Map()),
      this.releases.read(run),
      terminal ? null : this.driver(run),
    ]);
    const rates = blendedPrices(config, usage.byModelAndStage);
    const now = this.now();
    const iterations = counters.map((counter) => {
      const spent = tokens.get(counter.iteration);
      const cost =
        spent && rates
          ? (spent.inputTokens * rates.input + spent.outputTokens * rates.output) / 1_000_000
          : null;
      return iterationView(counter, terminal, now, spent ?? null, cost, evaluation);
    });
    const running = iterations.find((iteration) => iteration.state === 'running');
    if (running && this.options.queues) {
      running.inFlight = await countPairsInFlight(this.options.queues, run.id, running.iteration);
    }
    return {
      run: this.publicRun(run),
      terminal,
      config: config ? redactSecrets(publicConfig(config), { secrets: this.options.secrets }) : null,
      iterations,
      expertOrder: orderExperts(
        iterations.flatMap((iteration) => Object.keys(iteration.experts)),
        config?.critic,
      ),
      failures: rankFailures(addFailureCounts(...iterations.map((iteration) => iteration.failures))).map(
        ([category, count]) => ({ category, count }),
      ),
      driver,
      release,
      budget: {
        costUsd: usage.total.costUsd,
        maxCostUsd: config?.budget.maxCostUsd ?? null,
        tokens: usage.total.inputTokens + usage.total.outputTokens,
        maxTokens: config?.budget.maxTokens ?? null,
      },
      progress: progressView(run, iterations, config, now),
      usage: { total: usage.total, byModel: usage.byModel, byStage: usage.byStage },
      evaluation: evaluation
        ? { file: evaluation.file, ...(evaluation.problem ? { problem: evaluation.problem } : {}) }
        : null,
      generatedAt: now,
    };
  }

  /** A run not over yet: is a scheduler driving it (holding its lease)? */
  private async driver(run: RunRecord): Promise<DriverView> {
    const holder = await this.options.store.leaseHolder(run.id);
    if (holder) return { state: 'scheduler', holder };
    return run.status === 'pending' ? { state: 'waiting-for-scheduler' } : { state: 'no-scheduler' };
  }

  private async counters(run: RunRecord): Promise<IterationCounters[]> {
    return this.options.store.runCounters(run.id, run.iterations);
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
  runOver: boolean,
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
  for (const [name, counts] of Object.entries(counter.experts)) {
    experts[name] = { ...counts, passRate: counts.total > 0 ? counts.passed / counts.total : null };
  }
  return {
    iteration: counter.iteration,
    state: iterationState(startedAt, finishedAt, runOver),
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
    failures: counter.failures,
    inFlight: null,
  };
}

function iterationState(
  startedAt: number | null,
  finishedAt: number | null,
  runOver: boolean,
): IterationState {
  if (finishedAt !== null) return 'finished';
  if (startedAt !== null) return runOver ? 'partial' : 'running';
  return runOver ? 'not-run' : 'waiting';
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
  const measuredDone = measured.reduce((sum, iteration) => sum + iteration.done, 0);
  const averagePace =
    measured.length > 0
      ? (measuredDone / measured.reduce((sum, iteration) => sum + (iteration.durationMs ?? 0), 0)) * 60_000
      : null;
  const pairsPerMinute = current?.pairsPerMinute ?? averagePace;
  // The pace's sample: the running iteration's settled pairs, else every measured iteration's.
  const sampleSize = current?.pairsPerMinute ? current.done : measuredDone;
  const remaining = Math.max(0, pairsPlanned - pairsDone);
  const eta = !terminal && pairsPerMinute ? estimateEta(remaining, pairsPerMinute, sampleSize) : null;
  return {
    pairsDone,
    pairsPlanned,
    fraction: pairsPlanned > 0 ? Math.min(1, pairsDone / pairsPlanned) : terminal ? 1 : 0,
    elapsedMs: Math.max(0, elapsedMs),
    pairsPerMinute,
    etaMs: eta?.etaMs ?? null,
    eta,
  };
}

const LOOP_STAGE = /^(generate|critique|select)(:|$)/;

/**
 * USD per million input and output tokens of the Generator–Critic loop: each model's price,
 * weighted by the tokens it used in loop stages so far (the generator's price before any call).
 * Input is priced as billed: prompt-cache reads and writes at their prices, batch bindings at
 * the batch discount, as the ledger does.
 */
export function blendedPrices(
  config: RunConfig | null,
  byModelAndStage: Record<string, Record<string, UsageTotals>>,
): { input: number; output: number } | null {
  if (!config) return null;
  let input = 0;
  let output = 0;
  let inputCost = 0;
  let outputCost = 0;
  for (const [model, stages] of Object.entries(byModelAndStage)) {
    const binding = config.models[model];
    const price = binding?.price;
    const discount = binding ? billedShareOf(binding) : 1;
    for (const [stage, totals] of Object.entries(stages)) {
      if (!LOOP_STAGE.test(stage)) continue;
      const usage = totals ?? emptyUsageTotals();
      input += usage.inputTokens;
      output += usage.outputTokens;
      const inputOnly = { ...usage, outputTokens: 0 };
      inputCost += costOf(inputOnly, price) * 1_000_000 * discount;
      outputCost += usage.outputTokens * (price?.outputPerMillionTokens ?? 0) * discount;
    }
  }
  if (input + output > 0) {
    return { input: input > 0 ? inputCost / input : 0, output: output > 0 ? outputCost / output : 0 };
  }
  const generator = config.models[config.generator.model];
  const price = generator?.price;
  if (!generator || !price) return null;
  const discount = billedShareOf(generator);
  return { input: price.inputPerMillionTokens * discount, output: price.outputPerMillionTokens * discount };
}
