import { keyPrefix, type RejectedCandidate, type SimulatorFaults } from '@parley/core';
import { costOf, readUsage, type UsageTotals } from '@parley/llm';
import { RunFolder } from '@parley/scheduler';
import { type RunningSimulator, type SimulatorStats, startSimulator } from '@parley/simulator';
import { ChaosCluster } from '../harness/chaos-cluster';
import { writeChaosJob } from '../harness/chaos-job';
import { accountAllFailedRun, workLines } from '../harness/failed-run-accounting';
import { accountRelease } from '../harness/release-accounting';
import { runScenario, ScenarioRow } from '../harness/scenario-row';
import type { Scenario, ScenarioContext } from '../scenario';

/** The generator's price: cached input at a tenth, so a cache read shows in the cost. */
const PRICE = {
  inputPerMillionTokens: 0.15,
  cachedInputPerMillionTokens: 0.015,
  outputPerMillionTokens: 0.6,
};

/**
 * One fault mode of a real API, served by the generator's own simulator (the critic's is
 * clean, so every injected fault met a generate call and can be counted one for one).
 */
interface FaultMode {
  id: string;
  /** The row's name in the table. */
  row: string;
  faults: Partial<SimulatorFaults>;
  /** The "faults injected" cell. */
  described: string;
  /** Lines of the generator's binding (YAML mapping lines). */
  generator: string[];
  /** `budget.maxCostUsd` of the job. @defaultValue 1 (never reached) */
  maxCostUsd?: number;
  /**
   * The mode may fail every pair (a cap hit by answers that always run long): the run then ends
   * `failed` with that verdict and is accounted from its work folder. @defaultValue false
   */
  mayFailEveryPair?: boolean;
  /** What the mode promises, checked on the finished run. */
  check: (run: FaultRun, row: ScenarioRow) => void;
}

/** What a finished run of one mode left to check. */
interface FaultRun {
  stats: SimulatorStats;
  /** The generator binding's ledger. */
  generator: UsageTotals;
  /** Candidate lines of rejected.jsonl (or of the work folder, for a failed run) that say `failed`. */
  failed: RejectedCandidate[];
}

const PAIRS = 8;
const CANDIDATES = 2;

/** Faults a retry clears: each request body meets its fault once, then is answered. */
function retryable(mode: keyof SimulatorFaults, rate: number): Partial<SimulatorFaults> {
  return { [mode]: rate, faultyAttemptsPerBody: 1 };
}

/** A retry could have saved every faulted call: no candidate may have failed. */
function nothingLostToRetryableFaults(run: FaultRun, row: ScenarioRow): void {
  if (run.failed.length > 0) {
    row.problem(
      `${run.failed.length} candidates failed that a retry could have saved: ${run.failed[0]!.reason.slice(0, 120)}`,
    );
  }
}

/**
 * Every faulted answer failed with its outcome (so none was accepted): the failed lines with
 * that outcome are exactly the faults injected, and each keeps the tokens it was billed for.
 */
function everyFaultFailedWith(outcome: string, injected: (stats: SimulatorStats) => number) {
  return (run: FaultRun, row: ScenarioRow): void => {
    const count = injected(run.stats);
    const lines = run.failed.filter((line) => line.reason.startsWith(`${outcome}:`));
    row.note(`${count} faulted answers, ${lines.length} candidates failed "${outcome}", none accepted`);
    if (count === 0) row.problem(`no ${outcome} fault was injected: the row proves nothing`);
    if (lines.length !== count)
      row.problem(`${count} ${outcome} faults injected, ${lines.length} candidates failed with that outcome`);
    const unpaid = lines.filter((line) => (line.usage?.inputTokens ?? 0) === 0);
    if (outcome !== 'provider-error (429 insufficient_quota)' && unpaid.length > 0)
      row.problem(`${unpaid.length} ${outcome} candidates recorded no tokens, yet their answers were billed`);
  };
}

export const FAULT_MODES: FaultMode[] = [
  {
    id: 'fault-stall',
    row: '4b stall after headers',
    faults: retryable('stallAfterHeaders', 0.3),
    described: '30% 200 + headers, then no body (once per request)',
    generator: ['timeoutMs: 1500', 'maxRetries: 2'],
    check: nothingLostToRetryableFaults,
  },
  {
    id: 'fault-reset',
    row: '4c reset mid-body',
    faults: retryable('resetMidBody', 0.5),
    described: '50% TCP reset mid-body (once per request)',
    generator: ['timeoutMs: 5000', 'maxRetries: 2'],
    check: nothingLostToRetryableFaults,
  },
  {
    id: 'fault-truncated',
    row: '4d truncation',
    faults: { truncated: 0.5 },
    described: '50% answers cut at max_tokens, $0.03 cap',
    // A re-ask is allowed; the LLM layer decides whether a larger max_tokens can save the answer.
    generator: ['structuredOutputRetries: 1'],
    maxCostUsd: 0.03,
    mayFailEveryPair: true,
    check: (run, row) => {
      const truncated = run.failed.filter((line) => line.reason.startsWith('truncated:'));
      const requests = run.stats.requests.byRoute['POST /v1/chat/completions'] ?? 0;
      row.note(
        `${run.stats.faults.truncated} truncated answers in ${requests} generate requests; ${truncated.length} candidates failed "truncated", none accepted`,
      );
      if (run.stats.faults.truncated === 0) row.problem('no truncation was injected');
      if (truncated.length > run.stats.faults.truncated)
        row.problem('more candidates failed "truncated" than truncated answers were sent');
      const unpaid = truncated.filter((line) => (line.usage?.outputTokens ?? 0) === 0);
      if (unpaid.length > 0) row.problem(`${unpaid.length} truncated candidates recorded no tokens`);
    },
  },
  {
    id: 'fault-refusal',
    row: '4e refusal, no content',
    faults: { refusal: 0.4 },
    described: '40% refusals with no content',
    generator: ['structuredOutputRetries: 0'],
    check: everyFaultFailedWith('refused', (stats) => stats.faults.refusal),
  },
  {
    id: 'fault-refusal-content',
    row: '4f refusal with valid JSON',
    faults: { refusalWithContent: 0.4 },
    described: '40% refusals carrying schema-valid JSON',
    generator: ['structuredOutputRetries: 0'],
    check: everyFaultFailedWith('refused', (stats) => stats.faults.refusalWithContent),
  },
  {
    id: 'fault-content-filter',
    row: '4g content filter',
    faults: { contentFilter: 0.4 },
    described: '40% finish_reason content_filter, valid JSON',
    generator: ['structuredOutputRetries: 0'],
    check: everyFaultFailedWith('content-filtered', (stats) => stats.faults.contentFilter),
  },
  {
    id: 'fault-quota',
    row: '4h quota exhausted',
    faults: { insufficientQuota: 0.4 },
    described: '40% 429 insufficient_quota',
    generator: ['maxRetries: 2'],
    check: (run, row) => {
      everyFaultFailedWith(
        'provider-error (429 insufficient_quota)',
        (stats) => stats.faults.insufficientQuota,
      )(run, row);
      // Not a rate limit: never retried, never fed to the limiter.
      if (run.generator.retries > 0) row.problem(`${run.generator.retries} quota errors were retried`);
      if (run.generator.rateLimited > 0)
        row.problem(`${run.generator.rateLimited} quota errors were counted as rate limits`);
    },
  },
  {
    id: 'fault-cached',
    row: '4i cached-token usage',
    faults: { promptCache: 1 },
    described: 'every answer reports half its input cached',
    generator: [],
    check: (run, row) => {
      const usage = run.generator;
      const priced = costOf(usage, PRICE);
      const uncached = costOf({ inputTokens: usage.inputTokens, outputTokens: usage.outputTokens }, PRICE);
      row.note(
        `${usage.cacheReadInputTokens} of ${usage.inputTokens} input tokens read from the cache; cost $${usage.costUsd.toFixed(6)} (full price would be $${uncached.toFixed(6)})`,
      );
      if (usage.cacheReadInputTokens === 0) row.problem('no cached input tokens reached the ledger');
      if (Math.abs(usage.costUsd - priced) > 1e-9)
        row.problem(`the ledger's cost ${usage.costUsd} is not the cached price ${priced}`);
      nothingLostToRetryableFaults(run, row);
    },
  },
];

/** One chaos scenario per fault mode: a small run through real `parley` processes. */
export const providerFaultModes: Scenario[] = FAULT_MODES.map((mode) => ({
  id: mode.id,
  title: mode.row,
  run: (context) => runFaultMode(mode, context),
}));

async function runFaultMode(mode: FaultMode, context: ScenarioContext) {
  let faulty: RunningSimulator | undefined;
  let cluster: ChaosCluster | undefined;
  const row = new ScenarioRow(mode.row, mode.described, PAIRS);
  const maxCostUsd = mode.maxCostUsd ?? 1;
  return runScenario(
    row,
    async () => {
      faulty = await startSimulator({ seed: 21, latencyMs: 10, faults: mode.faults });
      cluster = new ChaosCluster({ label: mode.id, simulatorUrl: context.simulatorUrl });
      const job = await writeChaosJob({
        name: mode.id,
        iterations: 1,
        pairs: PAIRS,
        candidatesPerPair: CANDIDATES,
        generatorModel: 'gen',
        extraModels: [
          '  gen:',
          '    provider: simulator',
          '    model: parley-sim-1',
          `    baseURL: ${faulty.url}`,
          `    price: ${JSON.stringify(PRICE)}`,
          ...mode.generator.map((line) => `    ${line}`),
        ].join('\n'),
        // Every request must reach the providers: the rows count what they served.
        extra: `budget:\n  maxCostUsd: ${maxCostUsd}\ncache:\n  enabled: false\n`,
      });
      cluster.startScheduler();
      cluster.startWorker(8);
      const runId = await cluster.detach(job.jobFile);
      const run = await cluster.waitForRun(runId, 120_000);
      const counters = await cluster.counters(runId, 1);
      let lines: RejectedCandidate[];
      if (run.status === 'failed' && mode.mayFailEveryPair) {
        lines = await accountAllFailedRun(run, counters, [PAIRS], row);
      } else {
        if (run.status !== 'completed') row.problem(`run ${run.status}: ${run.error ?? ''}`);
        const account = await accountRelease(run.runFolder, {
          runId,
          plannedPerIteration: [PAIRS],
          counters,
        });
        row.addAccount(account);
        lines = account.rejected;
      }
      const usage = await readUsage(cluster.redis, keyPrefix(cluster.namespace), runId);
      const generator = usage.byModel.gen;
      if (!generator)
        throw new Error(`no ledger entry for the generator (models: ${Object.keys(usage.byModel)})`);
      const stats = faulty.stats();
      // Every request the generator's provider saw is one attempt in the ledger.
      const requests = stats.requests.byRoute['POST /v1/chat/completions'] ?? 0;
      const attempts = generator.calls + generator.retries + generator.failedCalls;
      if (attempts !== requests)
        row.problem(`the generator's provider saw ${requests} requests, the ledger ${attempts} attempts`);
      // Budget held: what was spent stays within the cap plus the 10 % one call in flight may add.
      if (usage.total.costUsd > maxCostUsd * 1.1)
        row.problem(`spent $${usage.total.costUsd.toFixed(4)} over a $${maxCostUsd} cap`);
      const failed = lines.filter((line) => line.outcome === 'failed' && line.candidate !== null);
      const [settled] = counters;
      row.note(
        `run ${run.status}: ${settled!.accepted} pairs accepted, ${settled!.rejected} rejected, ${settled!.failed} failed; ${failed.length} candidates failed; ${requests} generate requests; spent $${usage.total.costUsd.toFixed(4)} of $${maxCostUsd}`,
      );
      mode.check({ stats, generator, failed }, row);
    },
    {
      cleanup: async () => {
        await cluster?.close();
        await faulty?.close();
      },
      diagnostics: () => cluster?.logs() ?? '',
      saveLogs: (text) => context.saveLogs(mode.id, text),
    },
  );
}

/**
 * The breaker's row: every generate call meets an exhausted account. The run must stop by
 * itself after a few pairs, `failed` with the reason, instead of trying every planned pair.
 */
export const quotaBreaker: Scenario = {
  id: 'fault-breaker',
  title: '4j quota on every call: circuit breaker',
  async run(context) {
    const planned = 20;
    let faulty: RunningSimulator | undefined;
    let cluster: ChaosCluster | undefined;
    const row = new ScenarioRow('4j circuit breaker', '100% 429 insufficient_quota, 20 pairs', planned);
    return runScenario(
      row,
      async () => {
        faulty = await startSimulator({ seed: 23, latencyMs: 10, faults: { insufficientQuota: 1 } });
        cluster = new ChaosCluster({ label: 'fault-breaker', simulatorUrl: context.simulatorUrl });
        const job = await writeChaosJob({
          name: 'fault-breaker',
          iterations: 1,
          pairs: planned,
          candidatesPerPair: CANDIDATES,
          chunkSize: 2,
          generatorModel: 'gen',
          extraModels: `  gen:\n    provider: simulator\n    model: parley-sim-1\n    baseURL: ${faulty.url}`,
          extra: 'breaker:\n  consecutiveSameError: 4\ncache:\n  enabled: false\n',
        });
        cluster.startScheduler();
        cluster.startWorker(8);
        const runId = await cluster.detach(job.jobFile);
        const run = await cluster.waitForRun(runId, 60_000);
        const [counters] = await cluster.counters(runId, 1);
        const requests = faulty.stats().requests.byRoute['POST /v1/chat/completions'] ?? 0;
        if (run.status !== 'failed') row.problem(`run ${run.status}, expected failed by the breaker`);
        if (
          !/^circuit breaker: \d+ pairs in a row failed with provider-error \(429 insufficient_quota\)$/.test(
            run.error ?? '',
          )
        )
          row.problem(`unexpected reason: ${run.error}`);
        if (requests >= planned * CANDIDATES)
          row.problem(`${requests} generate requests: the breaker saved nothing`);
        // Accounting: each pair the run settled has its failed lines with the reason; the rest
        // were never enqueued or stopped before their jobs started (none settled otherwise).
        const settled = counters!.accepted + counters!.rejected + counters!.failed;
        const lines = await workLines(new RunFolder(run.runFolder).rejectedLines(1));
        const withReason = new Set(
          lines.filter((line) => line.outcome === 'failed' && line.reason).map((line) => line.pair),
        );
        row.addPairs(settled, withReason.size);
        row.note(
          `stopped after ${settled} settled pairs of ${planned} (${counters!.enqueued} enqueued), ${requests} generate requests of up to ${planned * CANDIDATES}: "${run.error}"`,
        );
      },
      {
        cleanup: async () => {
          await cluster?.close();
          await faulty?.close();
        },
        diagnostics: () => cluster?.logs() ?? '',
        saveLogs: (text) => context.saveLogs('fault-breaker', text),
      },
    );
  },
};
