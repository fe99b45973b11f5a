import { describe, expect, it } from 'vitest';
import { addUsageEntry, emptyUsageSummary, usageSummarySchema } from './usage-summary';

describe('addUsageEntry', () => {
  it('adds to the total, the model and the stage', () => {
    const summary = emptyUsageSummary();
    addUsageEntry(summary, {
      model: 'gpt',
      stage: 'generate',
      usage: { inputTokens: 100, outputTokens: 50 },
      costUsd: 0.5,
    });
    addUsageEntry(summary, {
      model: 'gpt',
      stage: 'critique:toxicity',
      usage: { inputTokens: 10, outputTokens: 1 },
      cached: true,
    });
    addUsageEntry(summary, {
      model: 'claude',
      stage: 'generate',
      usage: { inputTokens: 7, outputTokens: 3 },
      calls: 3,
      costUsd: 0.25,
    });
    expect(summary.total).toEqual({
      inputTokens: 117,
      outputTokens: 54,
      calls: 5,
      costUsd: 0.75,
      cachedCalls: 1,
    });
    expect(summary.byModel.gpt).toEqual({
      inputTokens: 110,
      outputTokens: 51,
      calls: 2,
      costUsd: 0.5,
      cachedCalls: 1,
    });
    expect(summary.byStage.generate).toEqual({
      inputTokens: 107,
      outputTokens: 53,
      calls: 4,
      costUsd: 0.75,
      cachedCalls: 0,
    });
    expect(usageSummarySchema.parse(summary)).toEqual(summary);
  });
});
