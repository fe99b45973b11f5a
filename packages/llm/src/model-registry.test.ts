import type { RunConfigInput } from '@parley/core';
import { type RunningSimulator, type SimulatorOptions, startSimulator } from '@parley/simulator';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BudgetExceededError } from './errors/budget-exceeded-error';
import { LlmCallError } from './errors/llm-call-error';
import { StructuredOutputError } from './errors/structured-output-error';
import type { ChatMessage } from './language-model';
import { budgetKey } from './middleware/budget-guard';
import { createModelRegistry, type ModelRegistryOptions } from './model-registry';
import { testRunConfig } from './test-support/test-config';
import { createTestRedis, type TestRedis } from './test-support/test-redis';

type ModelInput = RunConfigInput['models'][string];

const verdictSchema = z.object({
  contradicts: z.boolean(),
  reason: z.string().min(1),
});

const conversationSchema = z.object({
  turns: z
    .array(z.object({ speaker: z.enum(['user1', 'user2']), text: z.string().min(1) }))
    .min(2)
    .max(16),
});

function prompt(topic: string): ChatMessage[] {
  return [
    { role: 'system', content: 'You write short, natural conversations between two people.' },
    { role: 'user', content: `Write a conversation about ${topic}.` },
  ];
}

let testRedis: TestRedis;
const simulators: RunningSimulator[] = [];

beforeAll(() => {
  testRedis = createTestRedis();
});
afterEach(async () => {
  await Promise.all(simulators.splice(0).map((simulator) => simulator.close()));
});
afterAll(async () => {
  await testRedis.cleanup();
});

const free = { inputPerMillionTokens: 0, outputPerMillionTokens: 0 };
let runCounter = 0;
async function setup(
  options: {
    simulator?: SimulatorOptions;
    model?: Partial<ModelInput>;
    job?: Partial<Omit<RunConfigInput, 'models'>>;
    registry?: Partial<ModelRegistryOptions>;
  } = {},
) {
  const simulator = await startSimulator({ seed: 7, ...options.simulator });
  simulators.push(simulator);
  const config = testRunConfig(
    {
      sim: { provider: 'simulator', model: 'parley-sim', timeoutMs: 5_000, maxRetries: 4, ...options.model },
      claude: {
        provider: 'anthropic',
        model: 'claude-sonnet-5-5',
        baseURL: simulator.anthropicBaseURL,
        price: free,
      },
      embedder: { provider: 'simulator', model: 'parley-embed', price: free },
    },
    options.job,
  );
  const runId = `run-${++runCounter}`;
  const registry = createModelRegistry({
    config,
    redis: testRedis.redis,
    prefix: testRedis.prefix,
    runId,
    environment: { ANTHROPIC_API_KEY: 'sk-ant-test-not-a-real-key' },
    simulatorUrl: simulator.url,
    retry: { initialDelayMs: 10, maxDelayMs: 50 },
    ...options.registry,
  });
  return { simulator, registry, runId };
}

describe('createModelRegistry against the simulator (openai SDK)', () => {
  it('generates plain text and records usage by model and stage', async () => {
    const { simulator, registry } = await setup();
    const model = registry.languageModel('sim');
    const result = await model.generateText({
      messages: prompt('dogs'),
      decoding: { temperature: 0.7, topK: 40, seed: 1 },
      stage: 'generate',
    });
    expect(result.text.length).toBeGreaterThan(0);
    expect(result.modelId).toBe('simulator:parley-sim');
    expect(result.cached).toBe(false);
    expect(result.finishReason.unified).toBe('stop');
    expect(result.warnings).toEqual([]); // top_k goes through to compatible servers
    const usage = await registry.usage();
    expect(usage.byModel.sim?.calls).toBe(1);
    expect(usage.byStage.generate?.inputTokens).toBe(result.usage.inputTokens);
    expect(usage.total.outputTokens).toBe(result.usage.outputTokens);
    expect(simulator.stats().tokens).toEqual({
      input: result.usage.inputTokens,
      output: result.usage.outputTokens,
    });
  });

  it('returns structured output validated by the zod schema', async () => {
    const { registry } = await setup();
    const result = await registry.languageModel('sim').generateObject({
      messages: prompt('a weekend trip'),
      schema: conversationSchema,
      schemaName: 'conversation',
      stage: 'generate',
    });
    expect(conversationSchema.parse(result.object)).toEqual(result.object);
    expect(JSON.parse(result.text)).toEqual(result.object);
  });

  it('retries structured output that fails to parse, asking again with the reason', async () => {
    const { simulator, registry } = await setup({
      simulator: { faults: { malformed: 0.5 } },
      model: { structuredOutputRetries: 4 },
    });
    const model = registry.languageModel('sim');
    const results = await Promise.all(
      ['cooking', 'hiking', 'music', 'books', 'travel', 'pets'].map((topic) =>
        model.generateObject({
          messages: prompt(topic),
          schema: verdictSchema,
          schemaName: 'verdict',
          stage: 'critique',
        }),
      ),
    );
    for (const result of results) expect(verdictSchema.safeParse(result.object).success).toBe(true);
    const malformed = simulator.stats().faults.malformed;
    expect(malformed).toBeGreaterThan(0);
    const usage = await registry.usage();
    expect(usage.total.invalidOutputs).toBe(malformed);
    expect(usage.total.calls).toBe(6 + malformed);
  });

  it('throws StructuredOutputError with the raw output when every attempt is malformed', async () => {
    const { simulator, registry } = await setup({
      simulator: { faults: { malformed: 1 } },
      model: { structuredOutputRetries: 2 },
    });
    const error = await registry
      .languageModel('sim')
      .generateObject({ messages: prompt('chess'), schema: verdictSchema, schemaName: 'verdict' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StructuredOutputError);
    const structured = error as StructuredOutputError;
    expect(structured.isRetryable).toBe(false);
    expect(structured.attempts).toBe(3);
    expect(structured.reasons).toHaveLength(3);
    expect(structured.rawOutput.length).toBeGreaterThan(0);
    expect(verdictSchema.safeParse(safeJson(structured.rawOutput)).success).toBe(false);
    expect(structured.usage.outputTokens).toBeGreaterThan(0);
    expect(simulator.stats().faults.malformed).toBe(3);
    expect((await registry.usage()).total.invalidOutputs).toBe(3);
  });

  it('retries 429s after their retry-after, counts every one and pauses the shared limiter', async () => {
    const { simulator, registry } = await setup({
      simulator: { faults: { rateLimited: 0.5, retryAfterSeconds: 1 } },
    });
    const model = registry.languageModel('sim');
    const started = Date.now();
    const results = await Promise.all(
      ['rain', 'snow', 'sun', 'wind'].map((topic) =>
        model.generateText({ messages: prompt(topic), stage: 'generate' }),
      ),
    );
    const elapsed = Date.now() - started;
    expect(results).toHaveLength(4);
    const injected = simulator.stats().faults.rateLimited;
    expect(injected).toBeGreaterThan(0);
    // The retry waited for retry-after (1 s) at least once.
    expect(elapsed).toBeGreaterThanOrEqual(1_000);
    const usage = await registry.usage();
    expect(usage.total.rateLimited).toBe(injected);
    expect(usage.total.retries).toBe(injected);
    const state = await registry.limiterState('sim');
    expect(state.rateLimited).toBe(injected);
    expect(state.pausedUntil).toBeGreaterThan(0);
    expect(state.factor).toBeLessThanOrEqual(1);
  });

  it('retries server errors', async () => {
    const { simulator, registry } = await setup({ simulator: { faults: { serverError: 0.5 } } });
    const model = registry.languageModel('sim');
    await Promise.all(
      ['a', 'b', 'c', 'd', 'e', 'f'].map((topic) => model.generateText({ messages: prompt(topic) })),
    );
    const injected = simulator.stats().faults.serverError;
    expect(injected).toBeGreaterThan(0);
    expect((await registry.usage()).total.retries).toBe(injected);
  });

  it('gives up with a retryable LlmCallError when retries run out', async () => {
    const { registry } = await setup({ simulator: { faults: { serverError: 1 } }, model: { maxRetries: 2 } });
    const error = await registry
      .languageModel('sim')
      .generateText({ messages: prompt('x') })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LlmCallError);
    expect((error as LlmCallError).isRetryable).toBe(true);
    expect([500, 503]).toContain((error as LlmCallError).status);
    const usage = await registry.usage();
    expect(usage.total.failedCalls).toBe(1);
    expect(usage.total.retries).toBe(2);
  });

  it('times out a hanging request and retries it', async () => {
    const { simulator, registry } = await setup({
      simulator: { faults: { hang: 0.5 } },
      model: { timeoutMs: 300 },
    });
    const model = registry.languageModel('sim');
    await Promise.all(
      ['red', 'green', 'blue', 'gold'].map((topic) => model.generateText({ messages: prompt(topic) })),
    );
    const hangs = simulator.stats().faults.hang;
    expect(hangs).toBeGreaterThan(0);
    expect((await registry.usage()).total.retries).toBe(hangs);
  });

  it('aborts a call at once when its signal fires', async () => {
    const { registry } = await setup({ simulator: { faults: { hang: 1 } }, model: { timeoutMs: 5_000 } });
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 100);
    const error = await registry
      .languageModel('sim')
      .generateText({ messages: prompt('x'), signal: controller.signal })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LlmCallError);
    expect((error as LlmCallError).code).toBe('LLM_ABORTED');
    expect((error as LlmCallError).isRetryable).toBe(false);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('stops starting calls once the next could pass budget.maxTokens, keeping what was paid for', async () => {
    const { registry, runId } = await setup({
      job: { budget: { maxTokens: 400 } },
      model: { decoding: { maxOutputTokens: 60 }, price: free },
    });
    const model = registry.languageModel('sim');
    const done: string[] = [];
    let refused: unknown;
    for (let index = 0; index < 20 && !refused; index++) {
      try {
        done.push((await model.generateText({ messages: prompt(`topic ${index}`) })).text);
      } catch (error) {
        refused = error;
      }
    }
    expect(refused).toBeInstanceOf(BudgetExceededError);
    expect((refused as BudgetExceededError).message).toMatch(
      /budget\.maxTokens of 400 tokens would be exceeded/,
    );
    expect(done.length).toBeGreaterThan(0);
    const usage = await registry.usage();
    expect(usage.total.calls).toBe(done.length);
    const spent = usage.total.inputTokens + usage.total.outputTokens;
    expect(spent).toBeLessThanOrEqual(400);
    const budget = await testRedis.redis.hgetall(budgetKey(testRedis.prefix, runId));
    expect(Number(budget.spentTokens)).toBe(spent);
    expect(Number(budget.reservedTokens)).toBe(0);
  });

  it('never lets concurrent calls overrun budget.maxCostUsd', async () => {
    const { registry } = await setup({
      job: { budget: { maxCostUsd: 0.01 } },
      model: {
        price: { inputPerMillionTokens: 50, outputPerMillionTokens: 100 },
        decoding: { maxOutputTokens: 50 },
      },
    });
    const model = registry.languageModel('sim');
    const outcomes = await Promise.allSettled(
      Array.from({ length: 30 }, (_, index) => model.generateText({ messages: prompt(`idea ${index}`) })),
    );
    const refused = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(refused.length).toBeGreaterThan(0);
    for (const outcome of refused) expect(outcome.reason).toBeInstanceOf(BudgetExceededError);
    const usage = await registry.usage();
    expect(usage.total.calls).toBe(outcomes.length - refused.length);
    expect(usage.total.costUsd).toBeGreaterThan(0);
    expect(usage.total.costUsd).toBeLessThanOrEqual(0.01);
  });

  it('answers a repeated request from the cache and misses after a prompt, seed or schema change', async () => {
    const { simulator, registry } = await setup({ job: { cache: { enabled: true } } });
    const model = registry.languageModel('sim');
    const request = {
      messages: prompt('gardening'),
      schema: verdictSchema,
      schemaName: 'verdict',
      decoding: { seed: 1 },
      stage: 'critique',
    };
    const first = await model.generateObject(request);
    const second = await model.generateObject(request);
    expect(first.cached).toBe(false);
    expect(second.cached).toBe(true);
    expect(second.object).toEqual(first.object);
    // The answer keeps the usage it was produced with; the ledger counts the hit as cached.
    expect(second.usage).toEqual(first.usage);
    expect(simulator.stats().requests.total).toBe(1);

    await model.generateObject({ ...request, messages: prompt('gardening in spring') });
    await model.generateObject({ ...request, decoding: { seed: 2 } });
    await model.generateObject({ ...request, schema: verdictSchema.extend({ confidence: z.number() }) });
    const text = await model.generateText({ messages: prompt('gardening'), decoding: { seed: 1 } });
    expect(text.cached).toBe(false);
    expect(simulator.stats().requests.total).toBe(5);

    const usage = await registry.usage();
    expect(usage.total.cachedCalls).toBe(1);
    expect(usage.total.cachedInputTokens).toBe(first.usage.inputTokens);
    expect(usage.total.calls).toBe(5);
  });

  it('adds usage across models and stages, with cost from the price', async () => {
    const { registry } = await setup({
      model: { price: { inputPerMillionTokens: 1, outputPerMillionTokens: 2 } },
    });
    const sim = registry.languageModel('sim');
    const a = await sim.generateText({ messages: prompt('a'), stage: 'generate' });
    const b = await sim.generateObject({
      messages: prompt('b'),
      schema: verdictSchema,
      schemaName: 'verdict',
      stage: 'critique:faithfulness',
    });
    const c = await registry
      .languageModel('claude')
      .generateText({ messages: prompt('c'), stage: 'generate' });
    const embedded = await registry
      .embeddingModel('embedder')
      .embed(['I like tea', 'I like coffee'], { stage: 'expand:embed' });
    const usage = await registry.usage();
    expect(usage.byModelAndStage.sim?.generate?.inputTokens).toBe(a.usage.inputTokens);
    expect(usage.byModelAndStage.sim?.['critique:faithfulness']?.outputTokens).toBe(b.usage.outputTokens);
    expect(usage.byModel.claude?.inputTokens).toBe(c.usage.inputTokens);
    expect(usage.byModel.embedder?.inputTokens).toBe(embedded.usage.inputTokens);
    expect(usage.byStage.generate?.calls).toBe(2);
    expect(usage.total.calls).toBe(4);
    const simTokens = a.usage.inputTokens + b.usage.inputTokens;
    const simOutput = a.usage.outputTokens + b.usage.outputTokens;
    expect(usage.byModel.sim?.costUsd).toBeCloseTo((simTokens * 1 + simOutput * 2) / 1e6, 12);
    expect(usage.byModel.claude?.costUsd).toBe(0);
  });
});

describe('createModelRegistry against the simulator (anthropic SDK)', () => {
  it('generates text and structured output through the Messages API', async () => {
    const { simulator, registry } = await setup();
    const model = registry.languageModel('claude');
    const text = await model.generateText({ messages: prompt('the sea'), decoding: { topK: 40 } });
    expect(text.modelId).toBe('anthropic:claude-sonnet-5-5');
    expect(text.finishReason).toEqual({ unified: 'stop', raw: 'end_turn' });
    expect(text.warnings).toEqual([
      'topK (40) not sent: current Anthropic models take no sampling parameters',
    ]);
    const object = await model.generateObject({
      messages: prompt('the sea'),
      schema: conversationSchema,
      schemaName: 'conversation',
    });
    expect(conversationSchema.safeParse(object.object).success).toBe(true);
    expect(simulator.stats().requests.byRoute['POST /v1/messages']).toBe(2);
  });

  it('retries Anthropic 429s and 5xx like OpenAI ones', async () => {
    const { simulator, registry } = await setup({
      simulator: { faults: { serverError: 0.4, rateLimited: 0.2, retryAfterSeconds: 1 } },
    });
    const model = registry.languageModel('claude');
    await Promise.all(
      ['1', '2', '3', '4', '5'].map((topic) => model.generateText({ messages: prompt(topic) })),
    );
    const faults = simulator.stats().faults;
    expect(faults.serverError + faults.rateLimited).toBeGreaterThan(0);
    const usage = await registry.usage();
    expect(usage.total.retries).toBe(faults.serverError + faults.rateLimited);
    expect(usage.total.rateLimited).toBe(faults.rateLimited);
  });
});

describe('embeddings and moderation', () => {
  it('embeds texts in order and moderates them', async () => {
    const { registry } = await setup();
    const { embeddings } = await registry.embeddingModel('embedder').embed(['one', 'two', 'three']);
    expect(embeddings).toHaveLength(3);
    expect(embeddings[0]!.length).toBeGreaterThan(0);
    const verdicts = await registry
      .moderationModel('embedder')
      .moderate(['have a nice day', 'I will hurt you']);
    expect(verdicts).toHaveLength(2);
    expect(verdicts[0]!.flagged).toBe(false);
    expect(Object.keys(verdicts[0]!.scores).length).toBeGreaterThan(0);
  });

  it('refuses embeddings from an anthropic binding', async () => {
    const { registry } = await setup();
    expect(() => registry.embeddingModel('claude')).toThrow(/anthropic serves no embeddings/);
  });
});

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
