import type { ModelLimits } from '@parley/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRedis, type TestRedis } from '../test-support/test-redis';
import { BudgetGuard, type RunBudget } from './budget-guard';
import { type CallBinding, ModelCallRunner } from './model-call-runner';
import { RateLimiter } from './rate-limiter';
import { DEFAULT_RETRY_OPTIONS } from './retry';
import { readUsage } from './usage-ledger';

let testRedis: TestRedis;
beforeAll(() => {
  testRedis = createTestRedis();
});
afterAll(async () => {
  await testRedis.cleanup();
});

function runner(limits: ModelLimits, budget: RunBudget, runId: string): ModelCallRunner {
  const binding: CallBinding = {
    name: 'sim',
    provider: 'simulator',
    modelId: 'simulator:parley-sim-1',
    limiterId: `runner-${runId}`,
    limits,
    price: { inputPerMillionTokens: 1, outputPerMillionTokens: 2 },
    timeoutMs: 5_000,
    maxRetries: 0,
  };
  return new ModelCallRunner(binding, {
    redis: testRedis.redis,
    prefix: testRedis.prefix,
    limiter: new RateLimiter(testRedis.redis, testRedis.prefix),
    budgetGuard: new BudgetGuard(testRedis.redis, testRedis.prefix),
    budget,
    runId,
    retry: DEFAULT_RETRY_OPTIONS,
  });
}

describe('ModelCallRunner', () => {
  it('counts prompt tokens in advance only when a token limit or the budget needs them', async () => {
    let estimated = 0;
    const estimate = () => {
      estimated++;
      return { inputTokens: 100, outputTokens: 50 };
    };
    const execute = async () => ({ value: 'ok', usage: { inputTokens: 90, outputTokens: 40 } });
    await runner({}, {}, 'free').run({ estimate, execute, stage: 'generate' });
    expect(estimated).toBe(0);
    await runner({ inputTokensPerMinute: 10_000 }, {}, 'limited').run({ estimate, execute });
    expect(estimated).toBe(1);
    await runner({}, { maxTokens: 10_000 }, 'budgeted').run({ estimate, execute });
    expect(estimated).toBe(2);
  });

  it('records calls, tokens and cost in the run’s usage in one step', async () => {
    const execute = async () => ({ value: 'ok', usage: { inputTokens: 1_000, outputTokens: 500 } });
    const recording = runner({}, {}, 'ledger');
    await recording.run({
      estimate: { inputTokens: 0, outputTokens: 0 },
      execute,
      stage: 'critique:toxicity',
    });
    await recording.run({
      estimate: { inputTokens: 0, outputTokens: 0 },
      execute,
      stage: 'critique:toxicity',
    });
    const usage = await readUsage(testRedis.redis, testRedis.prefix, 'ledger');
    const stage = usage.byModelAndStage.sim?.['critique:toxicity'];
    expect(stage?.calls).toBe(2);
    expect(stage?.inputTokens).toBe(2_000);
    expect(stage?.outputTokens).toBe(1_000);
    expect(stage?.costUsd).toBeCloseTo((2_000 * 1 + 1_000 * 2) / 1e6, 12);
  });
});
