import os from 'node:os';
import { type EnvironmentUsage, startBenchEnvironment } from '../support/bench-environment';
import { type CriticVariant, writeBenchJob } from '../support/bench-job';
import { summarizeProfileFolder } from '../support/cpu-profile-summary';
import type { RunOutcome } from '../support/parley-cluster';

/** The overhead configuration: latency 0, so every second goes to Parley, the SDK and the simulator. */
export const OVERHEAD_SETTINGS = {
  latencyMs: 0,
  candidatesPerPair: 2,
  iterations: 1,
  workerProcesses: 2,
  workerConcurrencyPerQueue: 32,
  critic: 'offline-rubric' as CriticVariant,
  criticDescription:
    'offline filters (structure, repetition, grounding, near-duplicate, word-list toxicity) + one batched rubric call per pair: 3 LLM calls per pair',
};

export interface OverheadMeasurement {
  pairs: number;
  run: Omit<RunOutcome, 'iterations' | 'usage'> & { calls: number };
  acceptedPerSecond: number;
  iterationAcceptedPerSecond: number;
  redis: { peakBytes: number; sampledPeakBytes: number; endBytes: number; startBytes: number };
  usage: EnvironmentUsage;
  cpuMsPerPair: number;
  /**
   * Accepted conversations per second had the benchmark's processes had every core to
   * themselves: accepted ÷ (their CPU seconds ÷ cores). An estimate for a shared machine, where
   * other work takes CPU the run would have used; it assumes the run is CPU-bound (latency 0).
   */
  cpuBoundAcceptedPerSecond: number;
  /** Peak resident set per process while the iteration ran, and while the release was written. */
  peakRssByPhase: { iteration: Record<string, number>; release: Record<string, number> };
  profiles?: Record<string, unknown>;
}

/** One overhead run of `pairs` pairs in a fresh environment (own Redis, simulator, processes). */
export async function measureOverheadRun(options: {
  pairs: number;
  folder: string;
  profile: boolean;
  log: (message: string) => void;
}): Promise<OverheadMeasurement> {
  const environment = await startBenchEnvironment({
    latencyMs: OVERHEAD_SETTINGS.latencyMs,
    workers: OVERHEAD_SETTINGS.workerProcesses,
    concurrency: OVERHEAD_SETTINGS.workerConcurrencyPerQueue,
    folder: options.folder,
    profile: options.profile,
  });
  let usage: EnvironmentUsage | undefined;
  try {
    const jobFile = await writeBenchJob({
      name: `overhead-${options.pairs}`,
      folder: options.folder,
      pairs: options.pairs,
      critic: OVERHEAD_SETTINGS.critic,
      concurrency: OVERHEAD_SETTINGS.workerConcurrencyPerQueue,
      // Larger chunks: at latency 0 a chunk of 500 pairs drains in a few seconds.
      chunkSize: 1_000,
    });
    const startBytes = (await environment.redis.memory()).used_memory ?? 0;
    options.log(`overhead: ${options.pairs} pairs × 2 candidates at latency 0`);
    const run = await environment.cluster.runJob(jobFile, 60 * 60_000);
    if (run.status !== 'completed') throw new Error(`run ${run.runId} ended ${run.status}: ${run.error}`);
    const peak = await environment.redis.peak();
    await environment.sampler.sample();
    const lastIteration = run.iterations.at(-1);
    const iterationEnd = lastIteration?.finishedAt ?? Date.now();
    const peakRssByPhase = {
      iteration: environment.sampler.peakBetween(lastIteration?.startedAt ?? 0, iterationEnd),
      release: environment.sampler.peakBetween(iterationEnd, Date.now()),
    };
    const endBytes = (await environment.redis.memory()).used_memory ?? 0;
    usage = await environment.close();
    const cpuSeconds = usage.processes.reduce((sum, process) => sum + process.cpuSeconds, 0);
    const { iterations: _iterations, usage: ledger, ...rest } = run;
    return {
      pairs: options.pairs,
      run: { ...rest, calls: ledger.total.calls },
      acceptedPerSecond: run.accepted / (run.wallMs / 1000),
      iterationAcceptedPerSecond: run.accepted / (run.iterationMs / 1000),
      redis: { peakBytes: peak.peakBytes, sampledPeakBytes: peak.sampledBytes, endBytes, startBytes },
      usage,
      cpuMsPerPair: (cpuSeconds * 1000) / options.pairs,
      cpuBoundAcceptedPerSecond: run.accepted / (cpuSeconds / os.cpus().length),
      peakRssByPhase,
      ...(environment.profileDir ? { profiles: await summarizeProfileFolder(environment.profileDir) } : {}),
    };
  } finally {
    if (!usage) await environment.close().catch(() => undefined);
  }
}
