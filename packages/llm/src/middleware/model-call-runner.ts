import type { ModelLimits, ModelPrice, TokenUsage } from '@parley/core';
import { newBatchCallScope, runInBatchCallScope } from '../batch/batch-call-scope';
import { BatchPendingError, batchYieldRequested } from '../batch/batch-yield';
import { LlmCallError } from '../errors/llm-call-error';
import { costOf } from '../model-cost';
import type { BudgetGuard, RunBudget } from './budget-guard';
import type { CallLogger } from './call-logger';
import type { RateLimiter, RateOutcome, RatePermit } from './rate-limiter';
import type { RedisClient } from './redis-script';
import { type RetryOptions, withRetries } from './retry';
import { recordUsage, UNSPECIFIED_STAGE, type UsageDelta } from './usage-ledger';

/** The shared services behind every model of a registry. */
export interface CallServices {
  redis: RedisClient;
  prefix: string;
  limiter: RateLimiter;
  budgetGuard: BudgetGuard;
  budget: RunBudget;
  /** Default run id (a request's own `runId` wins). */
  runId: string;
  retry: RetryOptions;
  logger?: CallLogger;
}

/** One model binding as the runner sees it. */
export interface CallBinding {
  /** Binding name from `models:`, the key of usage totals. */
  name: string;
  provider: string;
  modelId: string;
  /** Key of the shared limiter (same provider, URL and model share one). */
  limiterId: string;
  limits: ModelLimits;
  price: ModelPrice | undefined;
  timeoutMs: number;
  maxRetries: number;
}

export interface TransportAttempt {
  attempt: number;
  timeoutMs: number;
  signal: AbortSignal | undefined;
}

export interface RunCallRequest<T> {
  stage?: string;
  runId?: string;
  signal?: AbortSignal;
  /**
   * Before the call: estimated input tokens and the most output tokens it may produce. A
   * function is called only when a token limit or the run budget needs the figure: counting a
   * long prompt's tokens costs more CPU than the rest of the middleware together.
   */
  estimate: TokenUsage | (() => TokenUsage);
  execute(attempt: TransportAttempt): Promise<{ value: T; usage: TokenUsage }>;
}

export interface RunCallResult<T> {
  value: T;
  usage: TokenUsage;
  costUsd: number;
  attempts: number;
  durationMs: number;
}

/**
 * One provider call with its middleware, in order: budget reservation, then per attempt the
 * shared limiter and the adapter (retried on retryable errors, each 429 counted and fed back to
 * the limiter), then accounting and settling the budget. Cache and structured-output retries
 * sit above this, in the model wrappers.
 */
export class ModelCallRunner {
  constructor(
    private readonly binding: CallBinding,
    private readonly services: CallServices,
  ) {}

  async run<T>(request: RunCallRequest<T>): Promise<RunCallResult<T>> {
    const { binding, services } = this;
    const runId = request.runId ?? services.runId;
    const stage = request.stage ?? UNSPECIFIED_STAGE;
    const logger = services.logger?.child({ model: binding.name, stage });
    const started = Date.now();
    const estimate = this.estimateOf(request);
    const reservation = await services.budgetGuard
      .reserve(runId, services.budget, {
        tokens: estimate.inputTokens + estimate.outputTokens,
        costUsd: costOf(estimate, binding.price),
      })
      .catch((error: unknown) => {
        logger?.warn({ err: error }, 'llm call refused by the run budget');
        throw error;
      });
    let retries = 0;
    let rateLimited = 0;
    let attempts = 0;
    // What the batch transport says of this call (batch bindings only): its request's custom_id,
    // and whether the answer was read before the job yielded (billed then, not again).
    const batchCall = newBatchCallScope();
    try {
      const outcome = await withRetries(
        async (attempt) => {
          attempts = attempt + 1;
          const permit = await services.limiter.acquire(
            binding.limiterId,
            binding.limits,
            {
              inputTokens: estimate.inputTokens,
              outputTokens: estimate.outputTokens,
              leaseMs: binding.timeoutMs + services.limiter.options.leaseMarginMs,
            },
            request.signal,
          );
          try {
            const result = await runInBatchCallScope(batchCall, () =>
              request.execute({ attempt, timeoutMs: binding.timeoutMs, signal: request.signal }),
            );
            await this.release(permit, {
              kind: 'ok',
              inputTokens: result.usage.inputTokens,
              outputTokens: result.usage.outputTokens,
            });
            return result;
          } catch (error) {
            if (batchYieldRequested()) {
              // A batch call yielded (batch/batch-yield.ts): no retry, the job runs again later.
              await this.release(permit, { kind: 'failed' });
              throw new BatchPendingError();
            }
            // An exhausted quota (429 insufficient_quota) is no rate signal: the limiter is not halved.
            const limited = error instanceof LlmCallError && error.isRateLimited;
            if (limited) rateLimited++;
            await this.release(
              permit,
              limited ? { kind: 'rate-limited', retryAfterMs: error.retryAfterMs } : { kind: 'failed' },
            );
            throw error;
          }
        },
        {
          ...services.retry,
          maxRetries: binding.maxRetries,
          signal: request.signal,
          context: { provider: binding.provider, modelId: binding.modelId },
          onRetry: ({ error, attempt, delayMs }) => {
            retries++;
            logger?.warn(
              { attempt: attempt + 1, delayMs: Math.round(delayMs), err: summarise(error) },
              'llm call failed, retrying',
            );
          },
        },
      );
      const costUsd = costOf(outcome.usage, binding.price);
      const durationMs = Date.now() - started;
      await this.releaseParked(runId, batchCall.customId);
      if (batchCall.repeatedDelivery) {
        await services.budgetGuard.settle(reservation, { tokens: 0, costUsd: 0 });
        logger?.debug(
          { ...outcome.usage, attempts, durationMs },
          'llm call answered again from its batch; billed once',
        );
        return { value: outcome.value, usage: outcome.usage, costUsd, attempts, durationMs };
      }
      await Promise.all([
        this.record(runId, stage, {
          calls: 1,
          inputTokens: outcome.usage.inputTokens,
          outputTokens: outcome.usage.outputTokens,
          cacheReadInputTokens: outcome.usage.cacheReadInputTokens,
          cacheWriteInputTokens: outcome.usage.cacheWriteInputTokens,
          costUsd,
          retries,
          rateLimited,
        }),
        services.budgetGuard.settle(reservation, {
          tokens: outcome.usage.inputTokens + outcome.usage.outputTokens,
          costUsd,
        }),
      ]);
      logger?.debug({ ...outcome.usage, costUsd, attempts, durationMs, cached: false }, 'llm call finished');
      return { value: outcome.value, usage: outcome.usage, costUsd, attempts, durationMs };
    } catch (error) {
      if (error instanceof BatchPendingError) {
        // Not a failure: the request waits in its batch and the job's next run pays for the
        // answer. Its reservation stays held meanwhile, parked under the request (one per request).
        const parked =
          batchCall.customId !== undefined &&
          (await services.budgetGuard.park(reservation, batchCall.customId));
        if (!parked) await services.budgetGuard.settle(reservation, { tokens: 0, costUsd: 0 });
        throw error;
      }
      await this.releaseParked(runId, batchCall.customId);
      await Promise.all([
        this.record(runId, stage, { failedCalls: 1, retries, rateLimited }),
        services.budgetGuard.settle(reservation, { tokens: 0, costUsd: 0 }),
      ]);
      throw error;
    }
  }

  /** A yielded batch request's parked reservation is released once the call ends either way. */
  private async releaseParked(runId: string, customId: string | undefined): Promise<void> {
    if (customId !== undefined) await this.services.budgetGuard.releaseParked(runId, customId);
  }

  /** The request's estimate, computed only when a token limit or the budget reads it. */
  private estimateOf(request: RunCallRequest<unknown>): TokenUsage {
    if (typeof request.estimate !== 'function') return request.estimate;
    const { limits } = this.binding;
    const { budget } = this.services;
    const needed =
      limits.inputTokensPerMinute !== undefined ||
      limits.outputTokensPerMinute !== undefined ||
      budget.maxTokens !== undefined ||
      budget.maxCostUsd !== undefined;
    return needed ? request.estimate() : { inputTokens: 0, outputTokens: 0 };
  }

  /**
   * Gives the limiter back its share. Best effort: a Redis error here must not throw away an
   * answer already paid for, and an unreleased lease expires by itself.
   */
  private async release(permit: RatePermit, outcome: RateOutcome): Promise<void> {
    try {
      await this.services.limiter.release(this.binding.limiterId, permit, outcome);
    } catch (error) {
      this.services.logger
        ?.child({ model: this.binding.name })
        .warn({ err: summarise(error) }, 'rate limiter release failed; the lease will expire');
    }
  }

  /** Adds to the run's usage hash. */
  record(runId: string | undefined, stage: string | undefined, delta: UsageDelta): Promise<void> {
    return recordUsage(
      this.services.redis,
      this.services.prefix,
      runId ?? this.services.runId,
      this.binding.name,
      stage ?? UNSPECIFIED_STAGE,
      delta,
    );
  }
}

/** The parts of an error worth a log line; never the vendor's raw response or request. */
function summarise(error: unknown): Record<string, unknown> {
  if (error instanceof LlmCallError) {
    return { type: error.name, code: error.code, status: error.status, message: error.message };
  }
  return { type: error instanceof Error ? error.name : typeof error, message: String(error) };
}
