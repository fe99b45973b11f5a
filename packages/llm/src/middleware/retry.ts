import { ParleyError } from '@parley/core';
import { LlmCallError } from '../errors/llm-call-error';
import { abortableSleep } from './abortable-sleep';

export interface RetryOptions {
  /** Attempts after the first. Per binding: `models.<name>.maxRetries`. @defaultValue 4 */
  maxRetries: number;
  /** Backoff before the first retry; doubles each time. @defaultValue 500 */
  initialDelayMs: number;
  /** Cap of the exponential backoff. @defaultValue 20000 */
  maxDelayMs: number;
  /**
   * Longest `retry-after` waited for inside one call. A longer one ends the call with the
   * (retryable) error and its `retryAfterMs`, for the job queue to delay the whole job.
   * @defaultValue 60000
   */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_OPTIONS: RetryOptions = {
  maxRetries: 4,
  initialDelayMs: 500,
  maxDelayMs: 20_000,
  maxRetryAfterMs: 60_000,
};

export interface RetryEvent {
  error: unknown;
  /** The attempt that failed, 0-based. */
  attempt: number;
  delayMs: number;
}

/**
 * Delay before retry number `attempt + 1`: the server's retry-after when it sent one (plus up to
 * 10% so that waiting processes do not return in lockstep), else exponential backoff with
 * "equal jitter" (half fixed, half random).
 */
export function retryDelay(
  error: unknown,
  attempt: number,
  options: RetryOptions,
  random: () => number = Math.random,
): number {
  const retryAfter = error instanceof LlmCallError ? error.retryAfterMs : undefined;
  if (retryAfter !== undefined) return retryAfter + random() * Math.min(1_000, retryAfter * 0.1);
  const base = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** attempt);
  return base / 2 + (random() * base) / 2;
}

/**
 * Runs `call(attempt)` until it succeeds, throws a non-retryable error, or runs out of retries.
 * An abort ends the loop at once, even mid-backoff, with a non-retryable LLM_ABORTED error.
 */
export async function withRetries<T>(
  call: (attempt: number) => Promise<T>,
  options: RetryOptions & {
    signal?: AbortSignal;
    context: { provider: string; modelId: string };
    onRetry?: (event: RetryEvent) => void;
  },
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      options.signal?.throwIfAborted();
      return await call(attempt);
    } catch (error) {
      if (options.signal?.aborted) throw abortedError(options.context, error);
      const retryAfter = error instanceof LlmCallError ? error.retryAfterMs : undefined;
      // Only our typed errors say they are worth retrying; anything else (a bug, a schema the
      // SDK cannot convert) would fail the same way again.
      const giveUp =
        !(error instanceof ParleyError && error.isRetryable) ||
        attempt >= options.maxRetries ||
        (retryAfter !== undefined && retryAfter > options.maxRetryAfterMs);
      if (giveUp) throw error;
      const delayMs = retryDelay(error, attempt, options);
      options.onRetry?.({ error, attempt, delayMs });
      try {
        await abortableSleep(delayMs, options.signal);
      } catch {
        throw abortedError(options.context, error);
      }
    }
  }
}

function abortedError(context: { provider: string; modelId: string }, cause: unknown): LlmCallError {
  if (cause instanceof LlmCallError && cause.code === 'LLM_ABORTED') return cause;
  return new LlmCallError('call aborted', { ...context, code: 'LLM_ABORTED', isRetryable: false, cause });
}
