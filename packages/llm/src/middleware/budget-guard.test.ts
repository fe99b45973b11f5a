import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BudgetExceededError } from '../errors/budget-exceeded-error';
import { createTestRedis, type TestRedis } from '../test-support/test-redis';
import { BudgetGuard } from './budget-guard';

let testRedis: TestRedis;
beforeAll(() => {
  testRedis = createTestRedis();
});
afterAll(async () => {
  await testRedis.cleanup();
});

describe('BudgetGuard', () => {
  it('lets concurrent reservations take exactly the room there is', async () => {
    const guard = new BudgetGuard(testRedis.redis, testRedis.prefix);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, () =>
        guard.reserve('concurrent', { maxTokens: 1_000 }, { tokens: 30, costUsd: 0 }),
      ),
    );
    const held = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    expect(held).toHaveLength(33); // 33 × 30 = 990; a 34th would pass 1000
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(BudgetExceededError);
    }
    expect((await guard.spending('concurrent')).reservedTokens).toBe(990);
  });

  it('settles reservations to actual cost and refuses once the next call could pass the limit', async () => {
    const guard = new BudgetGuard(testRedis.redis, testRedis.prefix);
    const budget = { maxCostUsd: 0.05 };
    const first = await guard.reserve('cost', budget, { tokens: 100, costUsd: 0.03 });
    await guard.settle(first, { tokens: 40, costUsd: 0.01 });
    const second = await guard.reserve('cost', budget, { tokens: 100, costUsd: 0.03 });
    const error = await guard
      .reserve('cost', budget, { tokens: 100, costUsd: 0.03 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect((error as BudgetExceededError).budget).toEqual({
      limit: 'maxCostUsd',
      max: 0.05,
      spent: 0.01,
      reserved: 0.03,
      requested: 0.03,
    });
    expect((error as BudgetExceededError).message).toContain(
      'budget.maxCostUsd of 0.050000 USD would be exceeded',
    );
    await guard.settle(second, { tokens: 0, costUsd: 0 });
    const spending = await guard.spending('cost');
    expect(spending.spentCostUsd).toBeCloseTo(0.01, 12);
    expect(spending.reservedCostUsd).toBe(0);
    expect(spending.spentTokens).toBe(40);
  });

  it('does nothing for a run without a budget', async () => {
    const guard = new BudgetGuard(testRedis.redis, testRedis.prefix);
    const reservation = await guard.reserve('free', {}, { tokens: 1e9, costUsd: 1e6 });
    expect(reservation.held).toBe(false);
    await guard.settle(reservation, { tokens: 5, costUsd: 1 });
    expect(await testRedis.redis.exists(`${testRedis.prefix}:llm:run:free:budget`)).toBe(0);
  });
});
