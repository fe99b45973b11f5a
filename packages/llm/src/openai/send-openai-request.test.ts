import { describe, expect, it } from 'vitest';
import { LlmCallError } from '../errors/llm-call-error';
import { sendOpenAIRequest } from './send-openai-request';

const MODEL = { provider: 'openai', modelId: 'openai:text-embedding-3-small', timeoutMs: 60_000 };

describe('sendOpenAIRequest', () => {
  it('sends one attempt with the SDK retries off, the call timeout and the attempt header', async () => {
    const seen: unknown[] = [];
    const answer = await sendOpenAIRequest(MODEL, { timeoutMs: 5_000, attempt: 2 }, async (options) => {
      seen.push({ ...options, signal: options.signal instanceof AbortSignal });
      return { data: [] };
    });
    expect(answer).toEqual({ data: [] });
    expect(seen).toEqual([
      { signal: true, timeout: 5_000, maxRetries: 0, headers: { 'X-Stainless-Retry-Count': '2' } },
    ]);
  });

  it('ends a call past its deadline with a retryable LLM_TIMEOUT', async () => {
    const failure = await sendOpenAIRequest(
      { ...MODEL, timeoutMs: 20 },
      {},
      (options) =>
        new Promise((_, reject) =>
          options.signal?.addEventListener('abort', () => reject(options.signal?.reason)),
        ),
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(LlmCallError);
    expect(failure).toMatchObject({ code: 'LLM_TIMEOUT', isRetryable: true, modelId: MODEL.modelId });
  });

  it('turns anything else the SDK throws into an LlmCallError of the model', async () => {
    const failure = await sendOpenAIRequest(MODEL, {}, async () => {
      throw new SyntaxError('Unexpected token < in JSON');
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(LlmCallError);
    expect(failure).toMatchObject({ provider: 'openai', modelId: MODEL.modelId });
    expect((failure as Error).message).toContain('Unexpected token');
  });
});
