import { describe, expect, it } from 'vitest';
import { LlmCallError } from '../errors/llm-call-error';
import { DEFAULT_RETRY_OPTIONS, retryDelay, withRetries } from './retry';

const context = { provider: 'simulator', modelId: 'simulator:m' };
const fast = { ...DEFAULT_RETRY_OPTIONS, initialDelayMs: 1, maxDelayMs: 5 };
const serverError = () => new LlmCallError('boom', { ...context, code: 'LLM_SERVER_ERROR', status: 503 });

describe('retryDelay', () => {
  it('backs off exponentially with equal jitter, capped', () => {
    const options = { ...DEFAULT_RETRY_OPTIONS, initialDelayMs: 100, maxDelayMs: 1_000 };
    expect(retryDelay(serverError(), 0, options, () => 0)).toBe(50);
    expect(retryDelay(serverError(), 0, options, () => 1)).toBe(100);
    expect(retryDelay(serverError(), 3, options, () => 1)).toBe(800);
    expect(retryDelay(serverError(), 10, options, () => 0.5)).toBe(750);
  });

  it('waits at least the retry-after a server sent', () => {
    const limited = new LlmCallError('slow down', {
      ...context,
      code: 'LLM_RATE_LIMITED',
      status: 429,
      retryAfterMs: 2_000,
    });
    expect(retryDelay(limited, 0, DEFAULT_RETRY_OPTIONS, () => 0)).toBe(2_000);
    expect(retryDelay(limited, 0, DEFAULT_RETRY_OPTIONS, () => 1)).toBe(2_200);
  });
});

describe('withRetries', () => {
  it('retries retryable errors and reports each retry', async () => {
    let calls = 0;
    const retried: number[] = [];
    const result = await withRetries(
      async (attempt) => {
        calls++;
        if (attempt < 2) throw serverError();
        return 'ok';
      },
      { ...fast, context, onRetry: (event) => retried.push(event.attempt) },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
    expect(retried).toEqual([0, 1]);
  });

  it('stops at maxRetries and rethrows the last error', async () => {
    let calls = 0;
    const failing = withRetries(
      async () => {
        calls++;
        throw serverError();
      },
      { ...fast, maxRetries: 2, context },
    );
    await expect(failing).rejects.toThrow('boom');
    expect(calls).toBe(3);
  });

  it('does not retry non-retryable or untyped errors', async () => {
    for (const error of [
      new LlmCallError('bad', { ...context, code: 'LLM_BAD_REQUEST', status: 400 }),
      new TypeError('a bug'),
    ]) {
      let calls = 0;
      await expect(
        withRetries(
          async () => {
            calls++;
            throw error;
          },
          { ...fast, context },
        ),
      ).rejects.toBe(error);
      expect(calls).toBe(1);
    }
  });

  it('leaves a retry-after longer than maxRetryAfterMs to the job queue', async () => {
    let calls = 0;
    const limited = new LlmCallError('later', {
      ...context,
      code: 'LLM_RATE_LIMITED',
      status: 429,
      retryAfterMs: 120_000,
    });
    await expect(
      withRetries(
        async () => {
          calls++;
          throw limited;
        },
        { ...fast, context },
      ),
    ).rejects.toBe(limited);
    expect(calls).toBe(1);
  });

  it('ends a backoff at once when aborted', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 30);
    const error = await withRetries(
      async () => {
        throw serverError();
      },
      {
        ...DEFAULT_RETRY_OPTIONS,
        initialDelayMs: 10_000,
        maxDelayMs: 10_000,
        signal: controller.signal,
        context,
      },
    ).catch((caught: unknown) => caught);
    expect((error as LlmCallError).code).toBe('LLM_ABORTED');
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
