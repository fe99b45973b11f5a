import { parseRunConfig } from '@parley/core';
import { emptyUsageTotals, type UsageTotals } from '@parley/llm';
import { describe, expect, it } from 'vitest';
import { blendedPrices } from './run-view';

// The per-iteration cost on the run page prices tokens as they were billed: prompt-cache reads
// and writes at their own prices, batch bindings at the batch discount.

function config(execution: 'sync' | 'batch') {
  return parseRunConfig(
    `name: prices
seed: { path: seeds/parley-seed.jsonl }
models:
  gen:
    provider: openai
    model: gpt-4.1-mini
    execution: ${execution}
    price: { inputPerMillionTokens: 4, outputPerMillionTokens: 16, cachedInputPerMillionTokens: 1, cacheWritePerMillionTokens: 5 }
generator: { model: gen }
critic: { model: gen }
`,
    'prices.yaml',
  );
}

function totals(partial: Partial<UsageTotals>): UsageTotals {
  return { ...emptyUsageTotals(), ...partial };
}

describe('blendedPrices', () => {
  const usage = {
    gen: {
      // 1,000 input tokens: 600 read from the prompt cache, 100 written to it, 300 plain.
      generate: totals({
        inputTokens: 1_000,
        outputTokens: 200,
        cacheReadInputTokens: 600,
        cacheWriteInputTokens: 100,
      }),
      // Outside the loop: not part of an iteration's price.
      evaluate: totals({ inputTokens: 5_000, outputTokens: 5_000 }),
    },
  };

  it('prices cached input at the cached-input and cache-write prices', () => {
    const rates = blendedPrices(config('sync'), usage)!;
    // (300 × 4 + 600 × 1 + 100 × 5) / 1,000 = 2.3 per million input tokens.
    expect(rates.input).toBeCloseTo(2.3, 10);
    expect(rates.output).toBeCloseTo(16, 10);
  });

  it('applies the batch discount to a batch binding', () => {
    const rates = blendedPrices(config('batch'), usage)!;
    expect(rates.input).toBeCloseTo(1.15, 10);
    expect(rates.output).toBeCloseTo(8, 10);
  });

  it("uses the generator's billed price before any call", () => {
    expect(blendedPrices(config('batch'), {})).toEqual({ input: 2, output: 8 });
    expect(blendedPrices(config('sync'), { gen: { generate: totals({}) } })).toEqual({
      input: 4,
      output: 16,
    });
  });
});
