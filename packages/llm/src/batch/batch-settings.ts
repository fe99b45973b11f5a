import { ConfigError } from '@parley/core';
import { z } from 'zod';

/** How a batch binding's requests are gathered, submitted and waited for (docs/batch-mode.md). */
export interface BatchSettings {
  /** Most requests in one vendor batch. */
  maxRequestsPerBatch: number;
  /** A batch is submitted when it is full or its oldest request has waited this long. */
  maxWaitMs: number;
  /** Most batches of one model in flight at once (the vendors cap enqueued requests per model). */
  maxInFlightBatches: number;
  /** How often a running batch is polled. */
  pollIntervalMs: number;
  /** Times a failed (5xx) or expired line goes into a later batch before the call fails. */
  maxResubmissions: number;
  /** The submitter lock lapses this long after its holder stops renewing it (a killed process). */
  lockTtlMs: number;
  /** How long a call waits for its answer (the vendors' window is 24 h). */
  waitTimeoutMs: number;
  /**
   * How long a call made by a queue job waits in-process before the job yields its worker slot
   * and is delayed until its batch has answered (batch-yield.ts).
   */
  yieldAfterMs: number;
}

export const DEFAULT_BATCH_SETTINGS: BatchSettings = {
  maxRequestsPerBatch: 1000,
  maxWaitMs: 10_000,
  maxInFlightBatches: 4,
  pollIntervalMs: 30_000,
  maxResubmissions: 3,
  lockTtlMs: 15_000,
  waitTimeoutMs: 25 * 60 * 60 * 1000,
  yieldAfterMs: 15_000,
};

const positive = z.coerce.number().int().positive();
// Environment variables tune a deployment (and the kill tests) without a job-file field.
const environmentSchema = z.object({
  PARLEY_BATCH_MAX_REQUESTS: positive.max(5000).optional(),
  PARLEY_BATCH_MAX_WAIT_MS: positive.optional(),
  PARLEY_BATCH_MAX_IN_FLIGHT: positive.optional(),
  PARLEY_BATCH_POLL_MS: positive.optional(),
  PARLEY_BATCH_MAX_RESUBMISSIONS: z.coerce.number().int().nonnegative().optional(),
  PARLEY_BATCH_LOCK_MS: positive.optional(),
  PARLEY_BATCH_YIELD_AFTER_MS: z.coerce.number().int().nonnegative().optional(),
});

/** Defaults, then `PARLEY_BATCH_*` variables, then explicit overrides (tests). */
export function resolveBatchSettings(
  environment: NodeJS.ProcessEnv,
  overrides: Partial<BatchSettings> = {},
): BatchSettings {
  const parsed = environmentSchema.safeParse(environment);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({
        path: `environment.${issue.path.join('.')}`,
        message: issue.message,
      })),
    );
  }
  const fromEnvironment = parsed.data;
  const defined = <T>(value: T | undefined, fallback: T): T => (value === undefined ? fallback : value);
  const base = DEFAULT_BATCH_SETTINGS;
  return {
    maxRequestsPerBatch: defined(fromEnvironment.PARLEY_BATCH_MAX_REQUESTS, base.maxRequestsPerBatch),
    maxWaitMs: defined(fromEnvironment.PARLEY_BATCH_MAX_WAIT_MS, base.maxWaitMs),
    maxInFlightBatches: defined(fromEnvironment.PARLEY_BATCH_MAX_IN_FLIGHT, base.maxInFlightBatches),
    pollIntervalMs: defined(fromEnvironment.PARLEY_BATCH_POLL_MS, base.pollIntervalMs),
    maxResubmissions: defined(fromEnvironment.PARLEY_BATCH_MAX_RESUBMISSIONS, base.maxResubmissions),
    lockTtlMs: defined(fromEnvironment.PARLEY_BATCH_LOCK_MS, base.lockTtlMs),
    waitTimeoutMs: base.waitTimeoutMs,
    yieldAfterMs: defined(fromEnvironment.PARLEY_BATCH_YIELD_AFTER_MS, base.yieldAfterMs),
    ...Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined)),
  };
}
