import {
  createRedisConnection,
  type IterationCounters,
  keyPrefix,
  type RunRecord,
  RunStore,
  TERMINAL_STATUSES,
} from '@parley/core';
import type { Redis } from 'ioredis';
import { type ParleyProcess, spawnParley, stopProcess, waitFor } from '../../test/support/parley-processes';
import { deleteNamespace } from '../../test/support/redis-namespace';

export interface ChaosClusterOptions {
  /** Part of the namespace, so leftover keys say which scenario left them. */
  label: string;
  /** Base URL of the simulator every `provider: simulator` model uses (PARLEY_SIMULATOR_URL). */
  simulatorUrl: string;
  /** @defaultValue REDIS_URL or redis://127.0.0.1:6379 */
  redisUrl?: string;
  /** PARLEY_LOG_LEVEL of every process. @defaultValue CHAOS_LOG_LEVEL or 'warn' */
  logLevel?: string;
  /** PARLEY_LEASE_MS: a dead scheduler's runs are taken over after this. @defaultValue 2000 */
  leaseMs?: number;
  /** PARLEY_JOB_LOCK_MS: a dead process's active jobs are retaken within twice this. @defaultValue 3000 */
  jobLockMs?: number;
  /** Extra environment of every process. */
  environment?: NodeJS.ProcessEnv;
}

/** A process of the cluster with the role it plays, for logs and kills. */
export interface ClusterProcess extends ParleyProcess {
  role: string;
}

/**
 * Real `parley scheduler` / `parley worker` / `parley run --detach` child processes sharing one
 * Redis namespace of their own and one simulator, as on several machines; the chaos scenarios
 * kill and restart them. `close()` stops them all and deletes the namespace's keys.
 */
export class ChaosCluster {
  readonly namespace: string;
  readonly environment: NodeJS.ProcessEnv;
  readonly redisUrl: string;
  readonly redis: Redis;
  readonly store: RunStore;
  private readonly processes: ClusterProcess[] = [];
  private workerCount = 0;
  private schedulerCount = 0;

  constructor(options: ChaosClusterOptions) {
    this.namespace = `chaos-${options.label}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    this.redisUrl = options.redisUrl ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    this.environment = {
      REDIS_URL: this.redisUrl,
      PARLEY_NAMESPACE: this.namespace,
      PARLEY_SIMULATOR_URL: options.simulatorUrl,
      PARLEY_LOG_LEVEL: options.logLevel ?? process.env.CHAOS_LOG_LEVEL ?? 'warn',
      PARLEY_LEASE_MS: String(options.leaseMs ?? 2_000),
      PARLEY_JOB_LOCK_MS: String(options.jobLockMs ?? 3_000),
      // Every call must reach the simulator and its faults: a response cache would answer a
      // repeated request around them.
      PARLEY_CACHE: 'off',
      ...options.environment,
    };
    this.redis = createRedisConnection({ url: this.redisUrl });
    this.redis.on('error', () => {}); // a restarted Redis: ioredis reconnects by itself
    this.store = new RunStore(this.redis, keyPrefix(this.namespace));
  }

  /** `parley scheduler [args]` (e.g. `--port P` for the dashboard). */
  startScheduler(environment: NodeJS.ProcessEnv = {}, args: string[] = []): ClusterProcess {
    return this.spawn(`scheduler-${++this.schedulerCount}`, ['scheduler', ...args], environment);
  }

  /** `parley worker --concurrency N`. */
  startWorker(concurrency = 8, environment: NodeJS.ProcessEnv = {}): ClusterProcess {
    return this.spawn(
      `worker-${++this.workerCount}`,
      ['worker', '--concurrency', String(concurrency), '--grace', '2000'],
      environment,
    );
  }

  /** `parley run JOB --detach`: returns the run id, or throws with the command's output. */
  async detach(jobFile: string, environment: NodeJS.ProcessEnv = {}): Promise<string> {
    const detached = this.spawn('run-detach', ['run', jobFile, '--detach'], environment);
    const code = await detached.exited;
    if (code !== 0) throw new Error(`parley run --detach exited with ${code}:\n${detached.output()}`);
    const runId = detached.output().trim().split('\n').pop() ?? '';
    if (!/^[A-Za-z0-9_-]+$/.test(runId))
      throw new Error(`parley run --detach printed no run id:\n${detached.output()}`);
    return runId;
  }

  /** Any `parley` command in the cluster's environment (its output is kept with the logs). */
  spawn(role: string, args: string[], environment: NodeJS.ProcessEnv = {}): ClusterProcess {
    const started: ClusterProcess = { ...spawnParley(args, { ...this.environment, ...environment }), role };
    this.processes.push(started);
    return started;
  }

  /** Kills a process (SIGKILL: no cleanup, no lease release, jobs left active) and waits for it. */
  async kill(target: ClusterProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (target.child.exitCode !== null || target.child.signalCode !== null) return;
    target.child.kill(signal);
    await target.exited;
  }

  /** Pairs settled so far over every iteration of a run (from the iteration counters). */
  async settled(runId: string, iterations: number): Promise<number> {
    const counters = await this.counters(runId, iterations);
    return counters.reduce((sum, counter) => sum + counter.accepted + counter.rejected + counter.failed, 0);
  }

  counters(runId: string, iterations: number): Promise<IterationCounters[]> {
    return Promise.all(
      Array.from({ length: iterations }, (_, index) => this.store.iterationCounters(runId, index + 1)),
    );
  }

  /** Waits until the run is completed, failed or cancelled. */
  waitForRun(runId: string, timeoutMs = 120_000): Promise<RunRecord> {
    return waitFor(
      `run ${runId} to finish`,
      async () => {
        const run = await this.store.getRun(runId).catch(() => undefined);
        return run && TERMINAL_STATUSES.has(run.status) ? run : undefined;
      },
      timeoutMs,
      100,
    );
  }

  /** Waits until `check` holds, polling every 20 ms (tight, so kills land where they should). */
  waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 120_000): Promise<true> {
    return waitFor(what, async () => (await check().catch(() => false)) || undefined, timeoutMs, 20);
  }

  /** Every process's output so far, each under a header with its role. */
  logs(): string {
    return this.processes.map((entry) => `==== ${entry.role}\n${entry.output()}`).join('\n');
  }

  /** How many processes the cluster started, exited ones included. */
  processCount(): number {
    return this.processes.length;
  }

  /** The processes still running. */
  running(): ClusterProcess[] {
    return this.processes.filter((entry) => entry.child.exitCode === null && entry.child.signalCode === null);
  }

  /** Stops every process (SIGTERM, then SIGKILL after `graceMs`), deletes the namespace's keys. */
  async close(graceMs = 5_000): Promise<void> {
    await Promise.all(this.processes.map((entry) => stopProcess(entry, graceMs)));
    await deleteNamespace(this.namespace, this.redisUrl).catch(() => 0);
    this.redis.disconnect();
  }
}
