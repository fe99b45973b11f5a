import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { QUEUE_NAMES } from '@parley/core';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { SPC_TEST_CSV } from './bench-paths';
import { type BenchRedis, startBenchRedis } from './bench-redis';
import { MachineLoad } from './machine-load';
import { type ParleyCluster, startParleyCluster } from './parley-cluster';
import { ProcessSampler, type ProcessUsage } from './process-sampler';
import { type SimulatorProcess, startSimulatorProcess } from './simulator-process';

export interface BenchEnvironmentOptions {
  /** Simulator latency per request, in ms. */
  latencyMs: number;
  /** Worker processes. */
  workers: number;
  /** `parley worker --concurrency`. */
  concurrency: number;
  /** Scratch folder of this environment (job files, run folders, profiles). */
  folder: string;
  /** Run every process under `--cpu-prof`. @defaultValue false */
  profile?: boolean;
}

/** One scenario's world: a fresh Redis, the simulator and a Parley cluster, all measured. */
export interface BenchEnvironment {
  redis: BenchRedis;
  simulator: SimulatorProcess;
  cluster: ParleyCluster;
  namespace: string;
  /** Follows every process (peak RSS by phase: `sampler.peakBetween`). */
  sampler: ProcessSampler;
  /** Folder the profiles go to, when profiling. */
  profileDir?: string;
  /** Stops everything; returns each process's peak RSS and CPU, and the machine's load meanwhile. */
  close(): Promise<EnvironmentUsage>;
}

export interface EnvironmentUsage {
  processes: ProcessUsage[];
  /** Share of the machine's CPU time used by processes outside this benchmark, in [0, 1]. */
  foreignCpuShare: number;
  /** Busy share of the machine's CPU time over the environment's life, in [0, 1]. */
  machineBusyShare: number;
}

let environments = 0;

/**
 * Starts redis-server (own port), the simulator (own process) and `parley scheduler` plus
 * N × `parley worker`, and waits until every worker listens on its queues.
 */
export async function startBenchEnvironment(options: BenchEnvironmentOptions): Promise<BenchEnvironment> {
  await mkdir(options.folder, { recursive: true });
  const profileDir = options.profile ? path.join(options.folder, 'profiles') : undefined;
  if (profileDir) await mkdir(profileDir, { recursive: true });
  const sampler = new ProcessSampler();
  const redis = await startBenchRedis();
  sampler.track('redis-server', redis.pid);
  const simulator = await startSimulatorProcess(
    { seed: 11, latencyMs: options.latencyMs, textSource: SPC_TEST_CSV },
    profileDir,
  );
  sampler.track('simulator', simulator.pid);
  const namespace = `bench-${process.pid}-${++environments}`;
  const cluster = await startParleyCluster({
    redisUrl: redis.url,
    simulatorUrl: simulator.url,
    namespace,
    workers: options.workers,
    concurrency: options.concurrency,
    profileDir,
    sampler,
  });
  await waitForWorkers(redis.url, namespace, options.workers);
  // CPU (ours and the machine's) counts from here: start-up, mostly compiling TypeScript, is not the run's.
  await sampler.restartCpu();
  const machine = new MachineLoad();
  redis.startSampling();
  sampler.start();
  return {
    redis,
    simulator,
    cluster,
    namespace,
    sampler,
    profileDir,
    async close() {
      const processes = await sampler.stop();
      const load = await machine.measure(processes.reduce((sum, process) => sum + process.cpuSeconds, 0));
      await cluster.close();
      await simulator.close();
      await redis.close();
      return { processes, ...load };
    },
  };
}

/**
 * Runs `body` in a fresh environment and closes it: when `body` succeeds, with the usage that
 * close reports; when it throws, quietly, so the scenario's own error is the one that surfaces.
 */
export async function withBenchEnvironment<T>(
  options: BenchEnvironmentOptions,
  body: (environment: BenchEnvironment) => Promise<T>,
): Promise<{ result: T; usage: EnvironmentUsage }> {
  const environment = await startBenchEnvironment(options);
  let usage: EnvironmentUsage | undefined;
  try {
    const result = await body(environment);
    usage = await environment.close();
    return { result, usage };
  } finally {
    if (!usage) await environment.close().catch(() => undefined);
  }
}

/** Waits until `count` worker processes take generate jobs and a scheduler takes settle jobs. */
async function waitForWorkers(redisUrl: string, namespace: string, count: number): Promise<void> {
  const connection = new Redis(redisUrl);
  const prefix = `{${namespace}}`;
  const generate = new Queue(QUEUE_NAMES.generate, { connection, prefix });
  const settle = new Queue(QUEUE_NAMES.settle, { connection, prefix });
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const [workers, schedulers] = await Promise.all([generate.getWorkersCount(), settle.getWorkersCount()]);
      if (workers >= count && schedulers >= 1) return;
      if (Date.now() > deadline)
        throw new Error(`only ${workers} of ${count} workers and ${schedulers} schedulers started in 60 s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await generate.close();
    await settle.close();
    connection.disconnect();
  }
}

/** Machine facts for the results file. */
export function machineFacts() {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}
