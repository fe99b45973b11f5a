import { type ChildProcess, spawn } from 'node:child_process';
import {
  createRedisConnection,
  type IterationCounters,
  keyPrefix,
  loadRunConfig,
  RunStore,
  TERMINAL_STATUSES,
} from '@parley/core';
import { readUsage, type UsageReport } from '@parley/llm';
import { createRun, resolveJobPaths } from '@parley/scheduler';
import type { Redis } from 'ioredis';
import { PARLEY_BIN, REPO_ROOT } from './bench-paths';
import { nodeArguments, stopChild } from './child-processes';
import type { ProcessSampler } from './process-sampler';

export interface ParleyClusterOptions {
  redisUrl: string;
  simulatorUrl: string;
  /** Key namespace of this cluster's queues and runs. */
  namespace: string;
  /** Worker processes. @defaultValue 1 */
  workers?: number;
  /** `parley worker --concurrency`: concurrent generate, critique and select jobs per process. */
  concurrency: number;
  /** Adds `--cpu-prof` to every process, writing into this folder. */
  profileDir?: string;
  /** Tracks the processes' memory and CPU. */
  sampler?: ProcessSampler;
}

/** How a run went, as the benchmark measures it. */
export interface RunOutcome {
  runId: string;
  status: string;
  error?: string;
  runFolder: string;
  /** From creating the run to its terminal status (prepare, iterations, release). */
  wallMs: number;
  /** Sum over iterations of first enqueue → last pair settled. */
  iterationMs: number;
  /** Creating the run → first iteration started (reading the seed, pairs, pool). */
  prepareMs: number;
  /** Last iteration finished → run completed (writing the release). */
  releaseMs: number;
  pairs: number;
  accepted: number;
  rejected: number;
  failed: number;
  iterations: IterationCounters[];
  usage: UsageReport;
}

/** A distributed Parley: `parley scheduler` and N × `parley worker`, real processes on one Redis. */
export interface ParleyCluster {
  /** The scheduler and worker processes, by name. */
  processes: Array<{ name: string; pid: number }>;
  /** Creates a run from a job file (as `parley run --detach` does) and waits for it to end. */
  runJob(jobFile: string, timeoutMs?: number): Promise<RunOutcome>;
  close(): Promise<void>;
}

export async function startParleyCluster(options: ParleyClusterOptions): Promise<ParleyCluster> {
  const environment: NodeJS.ProcessEnv = {
    ...process.env,
    REDIS_URL: options.redisUrl,
    PARLEY_NAMESPACE: options.namespace,
    PARLEY_SIMULATOR_URL: options.simulatorUrl,
    PARLEY_LOG_LEVEL: 'warn',
    // Benchmarks measure calls to the provider: the response cache would answer repeats.
    PARLEY_CACHE: 'off',
  };
  const children: ChildProcess[] = [];
  const processes: Array<{ name: string; pid: number }> = [];
  const start = (name: string, args: string[]) => {
    const child = spawn(process.execPath, [...nodeArguments(options.profileDir, name), PARLEY_BIN, ...args], {
      cwd: REPO_ROOT,
      env: environment,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(child);
    processes.push({ name, pid: child.pid! });
    options.sampler?.track(name, child.pid!);
    return child;
  };
  start('scheduler', ['scheduler']);
  for (let index = 0; index < (options.workers ?? 1); index++) {
    start(`worker-${index + 1}`, ['worker', '--concurrency', String(options.concurrency)]);
  }
  const prefix = keyPrefix(options.namespace);
  const redis: Redis = createRedisConnection({ url: options.redisUrl });
  const store = new RunStore(redis, prefix);
  for (const child of children) {
    child.once('exit', (code, signal) => {
      if (!closing) process.stderr.write(`bench: a Parley process exited early (${code ?? signal})\n`);
    });
  }
  let closing = false;

  return {
    processes,
    async runJob(jobFile, timeoutMs = 30 * 60_000) {
      const config = resolveJobPaths(await loadRunConfig(jobFile), jobFile);
      const created = await createRun(store, config, { simulatorUrl: options.simulatorUrl });
      const deadline = Date.now() + timeoutMs;
      let run = created;
      for (;;) {
        run = (await store.getRun(created.id)) ?? run;
        if (TERMINAL_STATUSES.has(run.status)) break;
        if (Date.now() > deadline) throw new Error(`run ${created.id} did not finish within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const finishedAt = run.finishedAt ?? Date.now();
      const iterations = await Promise.all(
        Array.from({ length: config.iterations }, (_, index) =>
          store.iterationCounters(created.id, index + 1),
        ),
      );
      const sum = (pick: (counters: IterationCounters) => number) =>
        iterations.reduce((total, counters) => total + pick(counters), 0);
      const firstStart = iterations[0]?.startedAt ?? created.createdAt;
      const lastFinish = iterations.at(-1)?.finishedAt ?? finishedAt;
      return {
        runId: created.id,
        status: run.status,
        error: run.error,
        runFolder: run.runFolder,
        wallMs: finishedAt - created.createdAt,
        iterationMs: sum((counters) => (counters.finishedAt ?? 0) - (counters.startedAt ?? 0)),
        prepareMs: firstStart - created.createdAt,
        releaseMs: finishedAt - lastFinish,
        pairs: sum((counters) => counters.planned),
        accepted: sum((counters) => counters.accepted),
        rejected: sum((counters) => counters.rejected),
        failed: sum((counters) => counters.failed),
        iterations,
        usage: await readUsage(redis, prefix, created.id),
      };
    },
    async close() {
      closing = true;
      await options.sampler?.sample();
      // Workers first, so the scheduler still settles what they hand in while stopping. Only a
      // profiled process needs a graceful exit (to write its profile).
      const graceMs = options.profileDir ? 20_000 : 0;
      await Promise.all(children.slice(1).map((child) => stopChild(child, graceMs)));
      await stopChild(children[0]!, graceMs);
      redis.disconnect();
    },
  };
}
