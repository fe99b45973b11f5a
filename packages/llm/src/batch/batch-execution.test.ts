import type { RunConfigInput } from '@parley/core';
import { type RunningSimulator, type SimulatorOptions, startSimulator } from '@parley/simulator';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAnthropicClient } from '../anthropic/anthropic-client';
import type { ChatMessage } from '../language-model';
import { createModelRegistry } from '../model-registry';
import { createOpenAIClient } from '../openai/openai-client';
import { testRunConfig } from '../test-support/test-config';
import { createTestRedis, type TestRedis } from '../test-support/test-redis';
import { AnthropicBatchVendor } from './anthropic-batch-vendor';
import { stopBatchSubmitters } from './batch-binding';
import { BatchQueue } from './batch-queue';
import { resolveBatchSettings } from './batch-settings';
import { BatchSubmitter } from './batch-submitter';
import type { BatchVendor } from './batch-vendor';
import { OpenAIBatchVendor } from './openai-batch-vendor';

// `execution: batch` end to end against the simulator's Batch APIs, through the official SDKs.

type ModelInput = RunConfigInput['models'][string];

const verdictSchema = z.object({ contradicts: z.boolean(), reason: z.string().min(1) });
const price = { inputPerMillionTokens: 2, outputPerMillionTokens: 8 };

function prompt(topic: string): ChatMessage[] {
  return [
    { role: 'system', content: 'You judge short conversations.' },
    { role: 'user', content: `Does a conversation about ${topic} contradict its personas?` },
  ];
}

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

async function setup(
  simulatorOptions: SimulatorOptions,
  models: (simulator: RunningSimulator) => Record<string, ModelInput>,
) {
  const simulator = await startSimulator({ seed: 11, ...simulatorOptions });
  simulators.push(simulator);
  const runId = `batch-run-${++runCounter}`;
  const registry = createModelRegistry({
    config: testRunConfig(models(simulator)),
    redis: testRedis.redis,
    prefix: testRedis.prefix,
    runId,
    environment: {
      OPENAI_API_KEY: 'sk-test-not-a-real-key',
      ANTHROPIC_API_KEY: 'sk-ant-test-not-a-real-key',
    },
    simulatorUrl: simulator.url,
    retry: { initialDelayMs: 10, maxDelayMs: 50 },
    batch: {
      maxRequestsPerBatch: 3,
      maxWaitMs: 100,
      pollIntervalMs: 50,
      lockTtlMs: 2_000,
      maxResubmissions: 10,
    },
  });
  const batchStats = async () => simulator.batchStats();
  return { simulator, registry, runId, batchStats };
}

const topics = ['dogs', 'rain', 'chess', 'tea', 'trains'];

describe('execution: batch', { timeout: 30_000 }, () => {
  it('answers OpenAI-family calls through /v1/files + /v1/batches with the synchronous content, at the batch price', async () => {
    const { registry, batchStats } = await setup({ batch: { completionDelayMs: 100 } }, (simulator) => ({
      gpt: {
        provider: 'openai',
        model: 'gpt-4.1-mini',
        baseURL: simulator.openaiBaseURL,
        price,
        execution: 'batch',
      },
      gptSync: { provider: 'openai', model: 'gpt-4.1-mini', baseURL: simulator.openaiBaseURL, price },
    }));
    const batch = registry.languageModel('gpt');
    const sync = registry.languageModel('gptSync');
    const request = (topic: string) => ({
      messages: prompt(topic),
      schema: verdictSchema,
      schemaName: 'verdict',
      stage: 'critique',
    });
    const answers = await Promise.all(topics.map((topic) => batch.generateObject(request(topic))));
    const expected = await Promise.all(topics.map((topic) => sync.generateObject(request(topic))));
    expect(answers.map((answer) => answer.object)).toEqual(expected.map((answer) => answer.object));
    const stats = await batchStats();
    // 5 requests, at most 3 per batch: two batches, every line answered once.
    expect(stats.batchesCreated.openai).toBe(2);
    expect(stats.linesSubmitted).toBe(5);
    expect(stats.linesSucceeded).toBe(5);
    const usage = await registry.usage();
    const batchCost = usage.byModel['gpt']!.costUsd;
    const syncCost = usage.byModel['gptSync']!.costUsd;
    expect(usage.byModel['gpt']!.calls).toBe(5);
    expect(batchCost).toBeGreaterThan(0);
    expect(batchCost).toBeCloseTo(syncCost * 0.5, 10);
  });

  it('answers Anthropic calls through Message Batches, matched by custom_id', async () => {
    const { registry, batchStats } = await setup({ batch: { completionDelayMs: 100 } }, (simulator) => ({
      claude: {
        provider: 'anthropic',
        model: 'claude-sonnet-5-5',
        baseURL: simulator.anthropicBaseURL,
        price,
        execution: 'batch',
      },
      claudeSync: {
        provider: 'anthropic',
        model: 'claude-sonnet-5-5',
        baseURL: simulator.anthropicBaseURL,
        price,
      },
    }));
    const texts = await Promise.all(
      topics.map((topic) => registry.languageModel('claude').generateText({ messages: prompt(topic) })),
    );
    const expected = await Promise.all(
      topics.map((topic) => registry.languageModel('claudeSync').generateText({ messages: prompt(topic) })),
    );
    expect(texts.map((text) => text.text)).toEqual(expected.map((text) => text.text));
    expect(new Set(texts.map((text) => text.text)).size).toBe(topics.length);
    const stats = await batchStats();
    expect(stats.batchesCreated.anthropic).toBe(2);
    expect(stats.linesSucceeded).toBe(5);
  });

  it('retries failed and expired lines in later batches until every call is answered', async () => {
    const { registry, batchStats } = await setup(
      { batch: { completionDelayMs: 20, errorRate: 0.3, expiryRate: 0.2 } },
      () => ({ sim: { provider: 'simulator', model: 'parley-sim', execution: 'batch' } }),
    );
    const many = Array.from({ length: 12 }, (_, index) => `topic ${index}`);
    const answers = await Promise.all(
      many.map((topic) => registry.languageModel('sim').generateText({ messages: prompt(topic) })),
    );
    expect(answers.every((answer) => answer.text.length > 0)).toBe(true);
    const stats = await batchStats();
    expect(stats.linesErrored + stats.linesExpired).toBeGreaterThan(0);
    expect(stats.linesSucceeded).toBe(12);
    expect(stats.linesSubmitted).toBe(12 + stats.linesErrored + stats.linesExpired);
  });
});

// The same crash cases for each vendor: OpenAI finds a batch by its metadata, Anthropic by the
// `custom_id`s of its results (anthropic-batch-reconcile.test.ts has Anthropic's own cases).
const crashVendors = [
  {
    vendor: 'openai',
    connect: (simulator: RunningSimulator): BatchVendor =>
      new OpenAIBatchVendor(createOpenAIClient({ apiKey: undefined, baseURL: simulator.openaiBaseURL })),
    body: (topic: string): unknown => ({ model: 'parley-sim', messages: prompt(topic) }),
  },
  {
    vendor: 'anthropic',
    connect: (simulator: RunningSimulator): BatchVendor =>
      new AnthropicBatchVendor(
        createAnthropicClient({ apiKey: 'sk-ant-test-not-a-real-key', baseURL: simulator.anthropicBaseURL }),
      ),
    body: (topic: string): unknown => {
      const [system, user] = prompt(topic);
      return {
        model: 'claude-sonnet-4-6',
        max_tokens: 200,
        system: system!.content,
        messages: [{ role: 'user', content: user!.content }],
      };
    },
  },
] as const;

describe.each(crashVendors)('the $vendor batch submitter after a crash', { timeout: 30_000 }, (variant) => {
  async function crashSetup() {
    const simulator = await startSimulator({ seed: 3, batch: { completionDelayMs: 50 } });
    simulators.push(simulator);
    // A prefix of its own, as a deployment of its own: the prefix's shared set of submitted batch
    // ids (which reconciliation skips) holds only this test's batches.
    const prefix = `${testRedis.prefix}:crash-${++runCounter}`;
    const queue = new BatchQueue(testRedis.redis, prefix, 'queue');
    const vendor = variant.connect(simulator);
    const settings = resolveBatchSettings({}, { maxRequestsPerBatch: 10, maxWaitMs: 0, pollIntervalMs: 20 });
    await queue.enqueue('req-a', variant.body('a'));
    await queue.enqueue('req-b', variant.body('b'));
    const batchesCreated = async () => simulator.batchStats().batchesCreated[variant.vendor];
    const drain = async (submitter: BatchSubmitter) => {
      for (let step = 0; step < 200 && (await submitter.tick()); step++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    return { simulator, queue, vendor, settings, batchesCreated, drain };
  }

  it('adopts a batch its dead predecessor submitted before storing the id, and never submits it again', async () => {
    const { queue, vendor, settings, batchesCreated, drain } = await crashSetup();
    // The predecessor cut the batch and submitted it, then died before markSubmitted.
    const record = (await queue.cut('pbdead000001', 10))!;
    const bodies = await queue.bodies(record.customIds);
    const vendorBatchId = await vendor.submit(
      record.batchKey,
      record.customIds.map((customId) => ({ customId, body: bodies.get(customId)!.body })),
    );
    expect(await batchesCreated()).toBe(1);

    await drain(new BatchSubmitter(queue, vendor, settings, 'sim'));
    expect(await batchesCreated()).toBe(1);
    expect(await queue.submittedBatchIds()).toEqual([vendorBatchId]);
    expect((await queue.enqueue('req-a', {}))?.status).toBe(200);
    expect((await queue.enqueue('req-b', {}))?.status).toBe(200);
    expect(await queue.records()).toEqual([]);
  });

  it('submits a cut batch its predecessor died before sending, once', async () => {
    const { queue, vendor, settings, batchesCreated, drain } = await crashSetup();
    await queue.cut('pbdead000002', 10);
    await drain(new BatchSubmitter(queue, vendor, settings, 'sim'));
    expect(await batchesCreated()).toBe(1);
    expect((await queue.submittedBatchIds()).length).toBe(1);
    expect((await queue.enqueue('req-a', {}))?.status).toBe(200);
    expect((await queue.enqueue('req-b', {}))?.status).toBe(200);
  });

  it('lets only the lock holder act', async () => {
    const { queue, vendor, settings, batchesCreated } = await crashSetup();
    const first = new BatchSubmitter(queue, vendor, settings, 'sim');
    const second = new BatchSubmitter(queue, vendor, settings, 'sim');
    await Promise.all([first.tick(), second.tick()]);
    expect(await batchesCreated()).toBe(1);
    expect((await queue.submittedBatchIds()).length).toBe(1);
    await first.stop();
    await second.stop();
  });
});
