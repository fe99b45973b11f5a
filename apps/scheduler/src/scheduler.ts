import { randomUUID } from 'node:crypto';
import {
  createRedisConnection,
  jobLockMs,
  QUEUE_NAMES,
  RunStore,
  settleJobDataSchema,
  TERMINAL_STATUSES,
} from '@parley/core';
import { FlowProducer, type Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { recoverFailedSettles } from './failed-settle-sweeper';
import { LineAppender } from './line-appender';
import { SETTLE_ATTEMPTS } from './pair-flow';
import { driveRun, type RunDriverDependencies } from './run-driver';
import { processSettle, settleAsFailed } from './settle-processor';

/** How often a scheduler looks for settle jobs BullMQ failed without running (see recoverFailedSettles). */
const SETTLE_SWEEP_MS = 5_000;

export interface SchedulerOptions {
  prefix: string;
  /** @defaultValue REDIS_URL or redis://127.0.0.1:6379 */
  redisUrl?: string;
  logger: Logger;
  prepare: RunDriverDependencies['prepare'];
  release: RunDriverDependencies['release'];
  afterIteration?: RunDriverDependencies['afterIteration'];
  /** Concurrent settle jobs. @defaultValue 32 */
  settleConcurrency?: number;
  /** How often to look for runs to drive, in ms. @defaultValue 500 */
  pollMs?: number;
  /** Lease on a run; another scheduler takes over after it lapses. @defaultValue PARLEY_LEASE_MS or 15000 */
  leaseMs?: number;
  /**
   * Lock of the settle jobs this scheduler takes: after a crash, another scheduler retakes them
   * within twice this. @defaultValue PARLEY_JOB_LOCK_MS or 30000
   */
  lockMs?: number;
  /** Drive only this run (embedded mode); otherwise every unfinished run. */
  onlyRun?: string;
}

/**
 * The scheduler: persists pair outcomes (the settle queue) and drives runs through their
 * iterations. Any number may run; a lease per run makes one of them drive it.
 */
export class Scheduler {
  readonly id = `scheduler-${randomUUID().slice(0, 8)}`;
  readonly store: RunStore;
  private readonly redis: Redis;
  private readonly blocking: Redis;
  private readonly flowProducer: FlowProducer;
  private readonly settleQueue: Queue;
  private readonly settleWorker: Worker;
  private readonly appender = new LineAppender();
  private readonly driving = new Map<string, Promise<void>>();
  private readonly leases = new Map<string, boolean>();
  private timer: NodeJS.Timeout | undefined;
  private leaseTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: SchedulerOptions) {
    this.options = {
      ...options,
      leaseMs: options.leaseMs ?? (Number(process.env.PARLEY_LEASE_MS) || 15_000),
    };
    this.redis = createRedisConnection({ url: options.redisUrl });
    this.blocking = createRedisConnection({ url: options.redisUrl, role: 'blocking' });
    // Without a listener ioredis prints "Unhandled error event" with a stack for every failed
    // reconnect while Redis restarts; they reconnect by themselves, so a warning is enough.
    for (const connection of [this.redis, this.blocking])
      connection.on('error', (error) => options.logger.warn({ err: error }, 'redis-error'));
    this.store = new RunStore(this.redis, options.prefix);
    this.flowProducer = new FlowProducer({ connection: this.redis, prefix: options.prefix });
    this.settleQueue = new Queue(QUEUE_NAMES.settle, { connection: this.redis, prefix: options.prefix });
    const lockMs = jobLockMs(options.lockMs);
    this.settleWorker = new Worker(QUEUE_NAMES.settle, (job) => this.settle(job), {
      connection: this.blocking,
      prefix: options.prefix,
      concurrency: options.settleConcurrency ?? 32,
      lockDuration: lockMs,
      stalledInterval: lockMs,
    });
    this.settleWorker.on('error', (error) => options.logger.error({ err: error }, 'settle-worker-error'));
  }

  start(): void {
    const pollMs = this.options.pollMs ?? 500;
    let lastSweep = 0;
    const tick = async () => {
      try {
        await this.claimRuns();
        if (Date.now() - lastSweep >= SETTLE_SWEEP_MS) {
          lastSweep = Date.now();
          await recoverFailedSettles({
            settleQueue: this.settleQueue,
            store: this.store,
            appender: this.appender,
            logger: this.options.logger,
            onlyRun: this.options.onlyRun,
          });
        }
      } catch (error) {
        this.options.logger.error({ err: error }, 'scheduler-poll-failed');
      }
      if (!this.closed) this.timer = setTimeout(tick, pollMs);
    };
    void tick();
    const leaseMs = this.options.leaseMs ?? 15_000;
    this.leaseTimer = setInterval(() => void this.renewLeases(leaseMs), Math.floor(leaseMs / 3));
  }

  /** Resolves when the run reaches a terminal status. */
  async waitForRun(runId: string, pollMs = 200): Promise<void> {
    for (;;) {
      const run = await this.store.getRun(runId);
      if (!run || TERMINAL_STATUSES.has(run.status)) return;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    clearInterval(this.leaseTimer);
    for (const runId of this.leases.keys()) this.leases.set(runId, false);
    await Promise.allSettled(this.driving.values());
    for (const runId of this.leases.keys())
      await this.store.releaseLease(runId, this.id).catch(() => undefined);
    await this.settleWorker.close();
    await this.appender.closeAll();
    await this.settleQueue.close();
    await this.flowProducer.close();
    await this.redis.quit().catch(() => this.redis.disconnect());
    await this.blocking.quit().catch(() => this.blocking.disconnect());
  }

  private async claimRuns(): Promise<void> {
    const runs = this.options.onlyRun
      ? [await this.store.getRun(this.options.onlyRun)].filter((run) => run !== undefined)
      : await this.store.listRuns(1_000);
    const leaseMs = this.options.leaseMs ?? 15_000;
    for (const run of runs) {
      if (this.closed || TERMINAL_STATUSES.has(run.status) || this.driving.has(run.id)) continue;
      if (!(await this.store.acquireLease(run.id, this.id, leaseMs))) continue;
      this.leases.set(run.id, true);
      const driving = driveRun(run.id, {
        store: this.store,
        flowProducer: this.flowProducer,
        settleQueue: this.settleQueue,
        logger: this.options.logger,
        prepare: this.options.prepare,
        release: this.options.release,
        afterIteration: this.options.afterIteration,
        holdsLease: () => !this.closed && this.leases.get(run.id) === true,
      })
        .finally(async () => {
          this.driving.delete(run.id);
          this.leases.delete(run.id);
          await this.store.releaseLease(run.id, this.id).catch(() => undefined);
          const finished = await this.store.getRun(run.id).catch(() => undefined);
          if (finished && TERMINAL_STATUSES.has(finished.status))
            await this.appender.closeUnder(finished.runFolder);
        })
        // Nothing may escape as an unhandled rejection: that would end the whole process.
        .catch((error: unknown) =>
          this.options.logger.error({ err: error, run: run.id }, 'run-cleanup-failed'),
        );
      this.driving.set(run.id, driving);
    }
  }

  private async renewLeases(leaseMs: number): Promise<void> {
    for (const runId of this.leases.keys()) {
      const held = await this.store.acquireLease(runId, this.id, leaseMs).catch(() => false);
      if (!held) {
        this.options.logger.warn({ run: runId }, 'run-lease-lost');
        this.leases.set(runId, false);
      }
    }
  }

  private async settle(job: Job): Promise<string> {
    try {
      return await processSettle(job, this.store, this.appender);
    } catch (error) {
      // On the last attempt the pair is settled as failed rather than blocking its iteration,
      // with a line saying why (it used to be counted failed in Redis but absent from the release).
      if (job.attemptsMade + 1 >= SETTLE_ATTEMPTS) {
        this.options.logger.error({ err: error, jobId: job.id }, 'settle-gave-up');
        const data = settleJobDataSchema.safeParse(job.data);
        if (data.success) {
          await settleAsFailed(
            this.store,
            this.appender,
            data.data,
            `persisting failed: ${(error as Error).message}`,
          );
        }
        return 'failed to persist';
      }
      throw error;
    }
  }
}
