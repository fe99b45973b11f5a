import { ConfigError } from '../errors';

/** BullMQ's own lock duration: how long an active job stays claimed without a heartbeat. */
export const DEFAULT_JOB_LOCK_MS = 30_000;

/** Below this, a busy event loop can miss a renewal and a live worker's job would be run twice. */
export const MIN_JOB_LOCK_MS = 1_000;

/**
 * How long a job stays locked to the process that took it (`PARLEY_JOB_LOCK_MS`). A process
 * renews its locks every half of it; when a process dies, its active jobs go back to the queue
 * once their locks lapse and the stalled check (run as often) finds them. So this is the
 * takeover time after a worker or scheduler crash: up to twice this value.
 * Precedence: explicit value > environment > {@link DEFAULT_JOB_LOCK_MS}.
 */
export function jobLockMs(explicit?: number, environment: NodeJS.ProcessEnv = process.env): number {
  if (explicit !== undefined) return checkLockMs(explicit, 'lockMs');
  const raw = environment.PARLEY_JOB_LOCK_MS;
  if (raw === undefined || raw.trim() === '') return DEFAULT_JOB_LOCK_MS;
  return checkLockMs(Number(raw), 'PARLEY_JOB_LOCK_MS', raw);
}

function checkLockMs(value: number, where: string, raw: string = String(value)): number {
  if (!Number.isInteger(value) || value < MIN_JOB_LOCK_MS) {
    throw new ConfigError(
      [
        {
          path: where,
          message: `expected a whole number of milliseconds ≥ ${MIN_JOB_LOCK_MS}, got ${JSON.stringify(raw)}`,
        },
      ],
      where === 'lockMs' ? 'options' : 'environment',
    );
  }
  return value;
}
