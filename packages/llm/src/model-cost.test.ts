import { describe, expect, it } from 'vitest';
import { costOf } from './model-cost';

describe('costOf', () => {
  const price = { inputPerMillionTokens: 3, outputPerMillionTokens: 15 };

  it('prices cache reads and writes at their own prices', () => {
    const usage = {
      inputTokens: 1_000,
      outputTokens: 100,
      cacheReadInputTokens: 600,
      cacheWriteInputTokens: 200,
    };
    const priced = { ...price, cachedInputPerMillionTokens: 0.3, cacheWritePerMillionTokens: 3.75 };
    expect(costOf(usage, priced)).toBeCloseTo((200 * 3 + 600 * 0.3 + 200 * 3.75 + 100 * 15) / 1e6, 15);
  });

  it('falls back to the input price for unset cache prices, and to 0 without a price', () => {
    const usage = { inputTokens: 1_000, outputTokens: 100, cacheReadInputTokens: 600 };
    expect(costOf(usage, price)).toBeCloseTo((1_000 * 3 + 100 * 15) / 1e6, 15);
    expect(costOf(usage, undefined)).toBe(0);
  });
});
