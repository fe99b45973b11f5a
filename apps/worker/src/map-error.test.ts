import { ParleyError, spentUsageOf } from '@parley/core';
import { LlmCallError, StructuredOutputError } from '@parley/llm';
import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { toBullmqError } from './map-error';

describe('toBullmqError', () => {
  it('leads an LLM failure with its outcome, as rejected.jsonl shows it', () => {
    const truncated = new StructuredOutputError({
      modelId: 'anthropic:claude',
      schemaName: 'conversation',
      rawOutput: '{"turns":[',
      reasons: ['cut at 8192 output tokens (finish reason max_tokens)'],
      attempts: 2,
      usage: { inputTokens: 10, outputTokens: 12_288 },
      outcome: 'truncated',
    });
    const mapped = toBullmqError(truncated);
    expect(mapped).toBeInstanceOf(UnrecoverableError);
    expect(mapped.message).toMatch(/^truncated: cut at 8192 output tokens/);
    // The tokens the truncated answers were billed for travel with the reason, read back exactly.
    expect(spentUsageOf(mapped.message)).toEqual({
      reason: truncated.message,
      usage: { inputTokens: 10, outputTokens: 12_288 },
    });

    const quota = new LlmCallError('HTTP 429: You exceeded your current quota', {
      code: 'LLM_QUOTA_EXCEEDED',
      provider: 'openai',
      modelId: 'openai:gpt-4o-mini',
      status: 429,
      providerType: 'insufficient_quota',
      isRetryable: false,
    });
    expect(toBullmqError(quota).message).toMatch(/^provider-error \(429 insufficient_quota\): /);
    // Nothing was billed: no tail, and reading one back finds zero.
    expect(spentUsageOf(toBullmqError(quota).message)).toEqual({
      reason: toBullmqError(quota).message,
      usage: { inputTokens: 0, outputTokens: 0 },
    });
  });

  it('keeps CODE: message for other non-retryable errors, and passes retryable ones through', () => {
    const other = new ParleyError('bad input', { code: 'INPUT_INVALID', isRetryable: false });
    expect(toBullmqError(other).message).toBe('INPUT_INVALID: bad input');
    const reset = new LlmCallError('connection failed (terminated)', {
      code: 'LLM_CONNECTION',
      provider: 'openai',
      modelId: 'openai:gpt-4o-mini',
      isRetryable: true,
    });
    expect(toBullmqError(reset)).toBe(reset);
  });
});
