import { describe, expect, it } from 'vitest';
import { classifyFailure } from '../run-store/failure-category';
import { spentUsageOf, withSpentUsage } from './job-data';

describe('spent usage in a failure reason', () => {
  it('round-trips the usage, prompt-cache counts included, and leaves the category as it was', () => {
    const usage = { inputTokens: 1200, outputTokens: 4096, cacheReadInputTokens: 600 };
    const reason = withSpentUsage('refused: I cannot help with that ("conversation", 1 attempt)', usage);
    expect(reason).toBe(
      'refused: I cannot help with that ("conversation", 1 attempt) [spent {"inputTokens":1200,"outputTokens":4096,"cacheReadInputTokens":600}]',
    );
    expect(spentUsageOf(reason)).toEqual({
      reason: 'refused: I cannot help with that ("conversation", 1 attempt)',
      usage,
    });
    expect(classifyFailure(reason)).toBe('refused');
  });

  it('adds nothing for zero usage and reads zero from a reason without a tail', () => {
    expect(withSpentUsage('timeout', { inputTokens: 0, outputTokens: 0 })).toBe('timeout');
    expect(withSpentUsage('timeout', undefined)).toBe('timeout');
    expect(spentUsageOf('provider-error (401 invalid_api_key): no')).toEqual({
      reason: 'provider-error (401 invalid_api_key): no',
      usage: { inputTokens: 0, outputTokens: 0 },
    });
  });

  it('keeps a reason whole whose tail only looks like ours', () => {
    for (const reason of ['x [spent {"inputTokens":-1,"outputTokens":2}]', 'x [spent {not json}]']) {
      expect(spentUsageOf(reason)).toEqual({ reason, usage: { inputTokens: 0, outputTokens: 0 } });
    }
  });
});
