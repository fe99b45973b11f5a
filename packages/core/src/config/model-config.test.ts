import { describe, expect, it } from 'vitest';
import { batchDiscountOf, modelConfigSchema } from './model-config';

describe('model config: execution and batch prices', () => {
  it('defaults to sync execution and accepts a batch discount between 0 and 1', () => {
    const config = modelConfigSchema.parse({ provider: 'openai', model: 'gpt-4.1-mini' });
    expect(config.execution).toBe('sync');
    expect(batchDiscountOf(config)).toBe(0.5);
    expect(batchDiscountOf({ provider: 'anthropic' })).toBe(0.5);
    expect(batchDiscountOf({ provider: 'openai-compatible' })).toBe(1);
    const priced = modelConfigSchema.parse({
      provider: 'openai',
      model: 'm',
      price: { inputPerMillionTokens: 1, outputPerMillionTokens: 2, batchDiscount: 0.4 },
    });
    expect(batchDiscountOf(priced)).toBe(0.4);
    const tooHigh = modelConfigSchema.safeParse({
      provider: 'openai',
      model: 'm',
      price: { inputPerMillionTokens: 1, outputPerMillionTokens: 2, batchDiscount: 1.5 },
    });
    expect(tooHigh.error?.issues[0]?.path).toEqual(['price', 'batchDiscount']);
  });

  it('accepts execution: batch and refuses an unknown mode', () => {
    const result = modelConfigSchema.safeParse({ provider: 'openai', model: 'm', execution: 'batch' });
    expect(result.success).toBe(true);
    expect(result.data?.execution).toBe('batch');
    expect(
      modelConfigSchema.safeParse({ provider: 'openai', model: 'm', execution: 'later' }).error?.issues[0]
        ?.message,
    ).toBe('expected sync or batch');
  });
});
