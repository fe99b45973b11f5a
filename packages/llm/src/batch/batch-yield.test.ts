import { type RunningSimulator, startSimulator } from '@parley/simulator';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../language-model';
import { BudgetGuard } from '../middleware/budget-guard';
import { createModelRegistry } from '../model-registry';
import { testRunConfig } from '../test-support/test-config';
import { createTestRedis, type TestRedis } from '../test-support/test-redis';
import { stopBatchSubmitters } from './batch-binding';
import { BatchPendingError, type BatchYieldScope, runInBatchYieldScope } from './batch-yield';

// A call in a queue job's yield scope whose batch has not answered ends with BatchPendingError
// (the worker then delays the job); the job's next run collects the answer. Between the runs no
// call is running, yet the request still waits at the vendor: its budget reservation must hold.

let testRedis: TestRedis;
let simulator: RunningSimulator;

beforeAll(async () => {
  testRedis = createTestRedis();
  // Batches run 3 s: the two yielding runs below fit in it, even on a loaded runner.
  simulator = await startSimulator({ seed: 6, batch: { completionDelayMs: 3_000 } });
});
afterEach(async () => {
  await stopBatchSubmitters();
});
afterAll(async () => {
  await simulator.close();
  await testRedis.cleanup();
});

const messages: ChatMessage[] = [{ role: 'user', content: 'Say something about lighthouses.' }];

describe('a batch call that yields', { timeout: 20_000 }, () => {
  it('keeps one budget reservation parked while its job is delayed, and books the answer once', async () => {
    const runId = 'yield-budget-run';
    const registry = createModelRegistry({
      config: testRunConfig(
        {
          gpt: {
            provider: 'openai',
            model: 'gpt-4.1-mini',
            baseURL: simulator.openaiBaseURL,
            price: { inputPerMillionTokens: 2, outputPerMillionTokens: 8 },
            execution: 'batch',
          },
        },
        { budget: { maxCostUsd: 1 } },
      ),
      redis: testRedis.redis,
      prefix: testRedis.prefix,
      runId,
      environment: { OPENAI_API_KEY: 'sk-test-not-a-real-key' },
      batch: { maxRequestsPerBatch: 10, maxWaitMs: 0, pollIntervalMs: 20, lockTtlMs: 2_000, yieldAfterMs: 0 },
    });
    const budget = new BudgetGuard(testRedis.redis, testRedis.prefix);
    const jobRun = async () => {
      const scope: BatchYieldScope = {};
      const outcome = await runInBatchYieldScope(scope, () =>
        registry.languageModel('gpt').generateText({ messages }),
      ).catch((error: unknown) => error);
      return { outcome, scope };
    };

    // First run: the request goes into a batch, the call yields, nothing is running afterwards.
    const first = await jobRun();
    expect(first.outcome).toBeInstanceOf(BatchPendingError);
    expect(first.scope.yielded).toBeDefined();
    const parked = await budget.spending(runId);
    expect(parked.reservedCostUsd).toBeGreaterThan(0);
    expect(parked.spentCostUsd).toBe(0);

    // A second run before the batch ends yields again: still one reservation, not two.
    const second = await jobRun();
    expect(second.outcome).toBeInstanceOf(BatchPendingError);
    expect((await budget.spending(runId)).reservedCostUsd).toBeCloseTo(parked.reservedCostUsd, 12);

    // Once the batch ended, a run collects the answer: the reservation is gone, the cost booked once.
    await new Promise((resolve) => setTimeout(resolve, 3_100));
    let answered: Awaited<ReturnType<typeof jobRun>> | undefined;
    for (let tries = 0; tries < 40; tries++) {
      answered = await jobRun();
      if (!(answered.outcome instanceof BatchPendingError)) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(answered!.scope.yielded).toBeUndefined();
    expect((answered!.outcome as { text: string }).text.length).toBeGreaterThan(0);
    const settled = await budget.spending(runId);
    const usage = (await registry.usage()).byModel['gpt']!;
    expect(settled.reservedCostUsd).toBe(0);
    expect(settled.reservedTokens).toBe(0);
    expect(usage.calls).toBe(1);
    expect(usage.failedCalls).toBe(0);
    expect(settled.spentCostUsd).toBeCloseTo(usage.costUsd, 12);

    // A later run reads the same answer again: billed nothing more.
    const again = await jobRun();
    expect((again.outcome as { text: string }).text).toBe((answered!.outcome as { text: string }).text);
    expect((await registry.usage()).byModel['gpt']!.calls).toBe(1);
    expect((await budget.spending(runId)).spentCostUsd).toBeCloseTo(usage.costUsd, 12);
  });
});
