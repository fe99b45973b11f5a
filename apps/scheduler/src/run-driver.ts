import { readFile } from 'node:fs/promises';
import {
  addFailureCounts,
  type Conversation,
  describeFailures,
  type IterationCounters,
  type ProfilePair,
  profilePairSchema,
  type RunConfig,
  type RunRecord,
  type RunStore,
  TERMINAL_STATUSES,
} from '@parley/core';
import type { FlowProducer, Queue } from 'bullmq';
import type { Logger } from 'pino';
import { CircuitBreaker } from './circuit-breaker';
import { bestOfIteration } from './example-pool';
import { fanOutIteration, sleep } from './iteration-fan-out';
import { planIteration } from './iteration-plan';
import { RunFolder } from './run-folder';
import { isTransientRedisError } from './transient-redis-error';

/** What a run needs before its first iteration: its pairs and the seed example pool. */
export interface PreparedRun {
  pairs: ProfilePair[];
  seedPool: Conversation[];
}

export interface RunDriverDependencies {
  store: RunStore;
  flowProducer: FlowProducer;
  settleQueue: Queue;
  logger: Logger;
  /** Stages 1–3 or the seed's own pairs; writes pairs.jsonl. Idempotent. */
  prepare: (run: RunRecord, config: RunConfig, folder: RunFolder) => Promise<PreparedRun>;
  /** Runs after each iteration closes (evaluation); a failure is logged, never fails the run. */
  afterIteration?: (run: RunRecord, config: RunConfig, folder: RunFolder, iteration: number) => Promise<void>;
  /** Writes the release once every iteration is done. Idempotent. */
  release: (run: RunRecord, config: RunConfig, folder: RunFolder) => Promise<void>;
  /** Still holding the run's lease? A driver that lost it stops. */
  holdsLease: () => boolean;
  /** @defaultValue 200 */
  pollMs?: number;
}

/**
 * Drives one run from wherever its state in Redis says it is: prepare, then each iteration
 * (fan out, wait until every pair settled, choose the next pool), then the release. Every step
 * is idempotent, so a restarted scheduler simply drives the run again.
 */
export async function driveRun(runId: string, dependencies: RunDriverDependencies): Promise<void> {
  const log = dependencies.logger.child({ run: runId });
  try {
    await drive(runId, dependencies, log);
  } catch (error) {
    if (isTransientRedisError(error)) {
      // Redis went away mid-step (a restart, a failover): the run's state is in Redis and every
      // step is idempotent, so it is left as it is and driven again from the next poll on.
      // Failing it here used to end a run for good on a two-second Redis restart.
      log.warn({ err: error }, 'run-interrupted');
      return;
    }
    log.error({ err: error }, 'run-failed');
    await dependencies.store
      .setStatus(runId, 'failed', { error: (error as Error).message, finishedAt: Date.now() })
      .catch((statusError: unknown) => log.error({ err: statusError }, 'run-status-not-saved'));
  }
}

async function drive(runId: string, dependencies: RunDriverDependencies, log: Logger): Promise<void> {
  const { store } = dependencies;
  const pollMs = dependencies.pollMs ?? 200;
  let run = await store.getRun(runId);
  if (!run || TERMINAL_STATUSES.has(run.status)) return;
  const config = await store.getConfig(runId);
  const folder = new RunFolder(run.runFolder);

  const stopRequested = async (): Promise<boolean> => {
    if (!dependencies.holdsLease()) return true;
    const current = await store.getRun(runId);
    return !current || current.cancelRequested === true || TERMINAL_STATUSES.has(current.status);
  };
  const finishIfCancelled = async (): Promise<boolean> => {
    const current = await store.getRun(runId);
    if (current?.cancelRequested && !TERMINAL_STATUSES.has(current.status)) {
      await store.setStatus(runId, 'cancelled', { finishedAt: Date.now() });
      log.info('run-cancelled');
      return true;
    }
    return !dependencies.holdsLease() || !current || TERMINAL_STATUSES.has(current.status);
  };

  if (run.status === 'pending') await store.setStatus(runId, 'running', { phase: 'prepare' });
  if (await finishIfCancelled()) return;
  const prepared = await dependencies.prepare(run, config, folder);
  if ((await store.getExamplePool(runId, 1)) === undefined) {
    await store.setExamplePool(runId, 1, prepared.seedPool.slice(0, config.examplePool.size));
  }
  if (prepared.pairs.length === 0) throw new Error('no profile pairs to generate for');

  // The breaker lives here, with the one driver that holds the run's lease: it reads the settle
  // counters Redis already keeps atomically, so no second count can drift from them, and only
  // the driver decides when a run ends. A restarted driver starts with an empty window.
  const breaker = new CircuitBreaker(config.breaker);
  let stoppedByBreaker = false;
  const breakerTripped = async (iteration: number): Promise<boolean> => {
    if (stoppedByBreaker) return true;
    const trip = breaker.observe(await store.iterationCounters(runId, iteration));
    if (!trip) return false;
    stoppedByBreaker = true;
    // `cancelRequested` stops the jobs already queued from starting (workers and settle read
    // it); the status says why the run ended.
    await store.setStatus(runId, 'failed', {
      phase: 'done',
      error: trip.reason,
      cancelRequested: true,
      finishedAt: Date.now(),
    });
    await store.compactRun(runId, config.iterations);
    log.warn({ reason: trip.reason, iteration }, 'run-stopped-by-breaker');
    return true;
  };

  for (let iteration = Math.max(1, run.iteration); iteration <= config.iterations; iteration++) {
    if (await finishIfCancelled()) return;
    await store.update(runId, { iteration, phase: 'iteration' });
    const plan = planIteration(prepared.pairs, iteration, config.pairs);
    await store.initIteration(runId, iteration, plan.length);
    if ((await store.getExamplePool(runId, iteration)) === undefined) {
      // The scheduler died between closing the last iteration and storing its pool.
      await store.setExamplePool(
        runId,
        iteration,
        await bestOfIteration(folder.acceptedLines(iteration - 1), config.examplePool.size),
      );
    }
    log.info({ iteration, pairs: plan.length }, 'iteration-started');
    await fanOutIteration({
      store,
      flowProducer: dependencies.flowProducer,
      settleQueue: dependencies.settleQueue,
      runId,
      iteration,
      pairs: plan,
      candidatesPerPair: config.candidatesPerPair,
      chunkSize: config.concurrency.chunkSize,
      shouldStop: async () => (await breakerTripped(iteration)) || (await stopRequested()),
    });
    while ((await store.settledCount(runId, iteration)) < plan.length) {
      if ((await breakerTripped(iteration)) || (await stopRequested())) break;
      await sleep(pollMs);
    }
    if (await finishIfCancelled()) return;
    await store.finishIteration(runId, iteration);
    const pool = await bestOfIteration(folder.acceptedLines(iteration), config.examplePool.size);
    // An iteration that accepted nothing keeps the previous pool rather than starving the Generator.
    const previous = (await store.getExamplePool(runId, iteration)) ?? [];
    await store.setExamplePool(runId, iteration + 1, pool.length > 0 ? pool : previous);
    if (dependencies.afterIteration) {
      await store.update(runId, { phase: 'evaluation' });
      await dependencies
        .afterIteration(run, config, folder, iteration)
        .catch((error) => log.warn({ err: error, iteration }, 'iteration-evaluation-failed'));
    }
    const counters = await store.iterationCounters(runId, iteration);
    log.info({ ...counters, experts: undefined }, 'iteration-finished');
  }

  const verdict = runVerdict(await store.runCounters(runId, config.iterations));
  if (verdict.failed) {
    // Nothing to release: no conversation, and no candidate the Critic even judged. The
    // failure lines (every reason) stay in the run's work folder and the counters in Redis.
    await store.setStatus(runId, 'failed', { phase: 'done', error: verdict.reason, finishedAt: Date.now() });
    await store.compactRun(runId, config.iterations);
    log.warn({ reason: verdict.reason }, 'run-failed-every-pair');
    return;
  }
  await store.setStatus(runId, 'releasing', { phase: 'release' });
  run = (await store.getRun(runId))!;
  await dependencies.release(run, config, folder);
  await store.setStatus(runId, 'completed', { phase: 'done', finishedAt: Date.now() });
  await store.compactRun(runId, config.iterations);
  log.info('run-completed');
}

/** Whether a run whose iterations all ran succeeded, and if not, why in one line. */
export type RunVerdict = { failed: false } | { failed: true; reason: string };

/**
 * A run fails when every pair it settled failed: none accepted, none rejected (a run that
 * rejected everything still completed: the Critic did its work). The reason names the most
 * common failure categories with their counts.
 */
export function runVerdict(iterations: readonly IterationCounters[]): RunVerdict {
  const sum = (pick: (counters: IterationCounters) => number) =>
    iterations.reduce((total, counters) => total + pick(counters), 0);
  const failed = sum((counters) => counters.failed);
  if (failed === 0 || sum((counters) => counters.accepted + counters.rejected) > 0) return { failed: false };
  const reasons = describeFailures(addFailureCounts(...iterations.map((counters) => counters.failures)));
  const pairs = `${failed} pair${failed === 1 ? '' : 's'}`;
  return {
    failed: true,
    reason: reasons
      ? `every pair failed (${pairs}): ${reasons}`
      : `every pair failed (${pairs}; no reason recorded)`,
  };
}

/** Reads a run's pairs.jsonl (written by prepare). */
export async function readPairs(file: string): Promise<ProfilePair[]> {
  const text = await readFile(file, 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim())
    .map((line, index) => {
      const parsed = profilePairSchema.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`${file}:${index + 1}: invalid pair: ${parsed.error.message}`);
      return parsed.data;
    });
}
