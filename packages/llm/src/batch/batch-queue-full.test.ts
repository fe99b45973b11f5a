import type { RunConfigInput } from '@parley/core';
import { type RunningSimulator, startSimulator } from '@parley/simulator';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../language-model';
import { createModelRegistry } from '../model-registry';
import { testRunConfig } from '../test-support/test-config';
import { createTestRedis, type TestRedis } from '../test-support/test-redis';
import { stopBatchSubmitters } from './batch-binding';

// A full batch queue at the vendor (OpenAI: a batch failed with token_limit_exceeded; Anthropic:
// a 429 on create) is no fault of the lines: they wait, uncounted, for a later batch.

let testRedis: TestRedis;
const simulators: RunningSimulator[] = [];
let runCounter = 0;

beforeAll(() => {
  testRedis = createTestRedis();
});
afterEach(async () => {
  await stopBatchSubmitters();
  await Promise.all(simulators.splice(0).map((simulator) => simulator.close()));
});
afterAll(async () => {
  await testRedis.cleanup();
});

function prompt(topic: string): ChatMessage[] {
  return [
    { role: 'system', content: 'You write one friendly line.' },
    { role: 'user', content: `Say something about ${topic}.` },
  ];
}

const vendors = [
  {
    provider: 'openai',
    model: 'gpt-4.1-mini',
    baseURL: (simulator: RunningSimulator) => simulator.openaiBaseURL,
  },
  {
    provider: 'anthropic',
    model: 'claude-sonnet-5-5',
    baseURL: (simulator: RunningSimulator) => simulator.anthropicBaseURL,
  },
] as const;

describe.each(vendors)('a full $provider batch queue', ({ provider, model, baseURL }) => {
  it('holds the lines back without counting a resubmission, then answers every call once', async () => {
    // At most 4 lines in unfinished batches; Parley cuts batches of 3.
    const simulator = await startSimulator({
      seed: 8,
      // Batches last long enough that the 9 requests meet a full queue, however they trickle in.
      batch: { completionDelayMs: 600, maxEnqueuedLines: 4 },
    });
    simulators.push(simulator);
    const models: Record<string, RunConfigInput['models'][string]> = {
      batched: { provider, model, baseURL: baseURL(simulator), execution: 'batch' },
      direct: { provider, model, baseURL: baseURL(simulator) },
    };
    const registry = createModelRegistry({
      config: testRunConfig(models),
      redis: testRedis.redis,
      prefix: testRedis.prefix,
      runId: `queue-full-${++runCounter}`,
      environment: {
        OPENAI_API_KEY: 'sk-test-not-a-real-key',
        ANTHROPIC_API_KEY: 'sk-ant-test-not-a-real-key',
      },
      retry: { initialDelayMs: 10, maxDelayMs: 50 },
      // No resubmission allowed: a refusal counted as one would fail its calls.
      batch: {
        maxRequestsPerBatch: 3,
        // No in-flight cap of Parley's own: the vendor's queue limit is what stops a batch.
        maxInFlightBatches: 10,
        maxWaitMs: 0,
        pollIntervalMs: 30,
        lockTtlMs: 2_000,
        maxResubmissions: 0,
      },
    });
    const topics = Array.from({ length: 9 }, (_, index) => `topic ${index}`);
    const answers = await Promise.all(
      topics.map((topic) => registry.languageModel('batched').generateText({ messages: prompt(topic) })),
    );
    const expected = await Promise.all(
      topics.map((topic) => registry.languageModel('direct').generateText({ messages: prompt(topic) })),
    );
    expect(answers.map((answer) => answer.text)).toEqual(expected.map((answer) => answer.text));
    const stats = simulator.batchStats();
    expect(stats.batchesRefused).toBeGreaterThan(0);
    // Every line ran once: the refused batches ran none.
    expect(stats.linesSucceeded).toBe(9);
    expect(stats.linesSubmitted).toBe(9);
    const usage = (await registry.usage()).byModel['batched']!;
    expect(usage.calls).toBe(9);
    expect(usage.failedCalls).toBe(0);
  });
});
