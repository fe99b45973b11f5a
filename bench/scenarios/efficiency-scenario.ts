import { loadRunConfig } from '@parley/core';
import { resolveJobPaths } from '@parley/scheduler';
import { startBenchEnvironment } from '../support/bench-environment';
import { CASCADE_DESCRIPTION, writeBenchJob } from '../support/bench-job';
import { summarizeProfileFolder } from '../support/cpu-profile-summary';
import { runNaiveBaseline } from '../support/naive-baseline';
import { atLeast, fixed, type Scenario, scenarioTiming, seconds } from '../support/scenario';

const LATENCY_MS = 200;
const CONCURRENCY = 64;

/**
 * Scenario 1, efficiency at the provider limit. The provider allows 64 requests in flight
 * (`limits.maxConcurrency: 64`, held by Parley's shared limiter); the worker runs 64 jobs per
 * queue so there is always work to fill the 64 slots. The floor is the time the calls made need
 * at that limit: (chat requests the simulator answered ÷ 64) × 200 ms. The naive baseline makes
 * the same calls (same prompts, same answers) through a plain promise pool of 64 over the same
 * openai SDK adapter, in one process, with no queue, no Redis and no middleware.
 */
export const efficiencyScenario: Scenario = {
  id: 'efficiency',
  title: 'Efficiency at the provider limit (200 ms, 64 in flight)',
  async run(context) {
    const startedAt = new Date();
    const pairs = context.quick ? 250 : 2_000;
    const environment = await startBenchEnvironment({
      latencyMs: LATENCY_MS,
      workers: 1,
      concurrency: CONCURRENCY,
      folder: context.folder,
      profile: context.profile,
    });
    let usage: Awaited<ReturnType<typeof environment.close>> | undefined;
    try {
      const jobFile = await writeBenchJob({
        name: 'efficiency',
        folder: context.folder,
        pairs,
        critic: 'cascade',
        concurrency: CONCURRENCY,
        maxConcurrency: CONCURRENCY,
      });
      context.log(`parley: ${pairs} pairs × 2 candidates at ${LATENCY_MS} ms, ${CONCURRENCY} in flight`);
      const before = await environment.simulator.stats();
      const run = await environment.cluster.runJob(jobFile);
      const after = await environment.simulator.stats();
      if (run.status !== 'completed') throw new Error(`run ${run.runId} ended ${run.status}: ${run.error}`);
      const chatRoute = 'POST /v1/chat/completions';
      const calls = (after.requests.byRoute[chatRoute] ?? 0) - (before.requests.byRoute[chatRoute] ?? 0);
      const floorMs = (calls / CONCURRENCY) * LATENCY_MS;

      context.log(`baseline: the same ${calls} calls through a promise pool of ${CONCURRENCY}`);
      const config = resolveJobPaths(await loadRunConfig(jobFile), jobFile);
      const baseline = await runNaiveBaseline({
        runId: run.runId,
        runFolder: run.runFolder,
        config,
        openaiBaseURL: environment.simulator.openaiBaseURL,
        concurrency: CONCURRENCY,
      });
      const baselineFloorMs = (baseline.calls / CONCURRENCY) * LATENCY_MS;
      usage = await environment.close();

      const efficiency = floorMs / run.iterationMs;
      const efficiencyEndToEnd = floorMs / run.wallMs;
      // Throughput in LLM calls per second, so that a few calls more or less on either side
      // (the near-duplicate index sees accepted conversations in a different order) do not count.
      const parleyCallsPerSecond = calls / (run.iterationMs / 1000);
      const baselineCallsPerSecond = baseline.calls / (baseline.wallMs / 1000);
      const throughputRatio = parleyCallsPerSecond / baselineCallsPerSecond;
      const throughputRatioEndToEnd = calls / (run.wallMs / 1000) / baselineCallsPerSecond;
      return {
        ...scenarioTiming(this, startedAt),
        settings: {
          pairs,
          candidatesPerPair: 2,
          iterations: 1,
          latencyMs: LATENCY_MS,
          workerProcesses: 1,
          workerConcurrencyPerQueue: CONCURRENCY,
          providerMaxConcurrency: CONCURRENCY,
          critic: CASCADE_DESCRIPTION,
        },
        metrics: {
          calls,
          ledgerCalls: run.usage.total.calls,
          floorMs,
          parley: {
            iterationMs: run.iterationMs,
            wallMs: run.wallMs,
            prepareMs: run.prepareMs,
            releaseMs: run.releaseMs,
            accepted: run.accepted,
            callsPerSecond: parleyCallsPerSecond,
          },
          baseline: { ...baseline, floorMs: baselineFloorMs, callsPerSecond: baselineCallsPerSecond },
          efficiency,
          efficiencyEndToEnd,
          baselineEfficiency: baselineFloorMs / baseline.wallMs,
          throughputRatio,
          throughputRatioEndToEnd,
          processes: usage.processes,
          foreignCpuShare: usage.foreignCpuShare,
          ...(environment.profileDir
            ? { profiles: await summarizeProfileFolder(environment.profileDir) }
            : {}),
        },
        rows: [
          { measure: 'LLM calls made (simulator count)', value: String(calls) },
          {
            measure: `floor = calls ÷ ${CONCURRENCY} × ${LATENCY_MS} ms`,
            value: seconds(floorMs),
          },
          {
            measure: 'Parley iteration (first enqueue → last settle)',
            value: seconds(run.iterationMs),
          },
          { measure: 'Parley end to end (run created → completed)', value: seconds(run.wallMs) },
          atLeast('floor ÷ Parley iteration time', efficiency, 0.9),
          { measure: 'floor ÷ Parley end-to-end time', value: fixed(2)(efficiencyEndToEnd) },
          {
            measure: `naive baseline (promise pool of ${CONCURRENCY}, same calls)`,
            value: `${seconds(baseline.wallMs)}, floor ÷ time ${fixed(2)(baselineFloorMs / baseline.wallMs)}`,
          },
          atLeast('Parley ÷ baseline throughput (calls/s, iteration)', throughputRatio, 0.95),
          { measure: 'Parley ÷ baseline throughput, end to end', value: fixed(2)(throughputRatioEndToEnd) },
        ],
        notes: [
          `The floor counts the chat requests the simulator answered during the run (${calls}; the usage ledger recorded ${run.usage.total.calls}), divided by the ${CONCURRENCY} requests the provider allows in flight, times the ${LATENCY_MS} ms each takes.`,
          'Worker concurrency applies per queue (64 generate + 64 critique + 64 select jobs, and a select job runs up to 8 vote calls at once), so Parley could put far more than 64 calls in flight; the provider limit (limits.maxConcurrency: 64, shared through Redis) is what makes the floor and the baseline comparable.',
        ],
      };
    } finally {
      if (!usage) await environment.close().catch(() => undefined);
    }
  },
};
