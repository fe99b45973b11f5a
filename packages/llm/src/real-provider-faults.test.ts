import type { RunConfigInput } from '@parley/core';
import { type RunningSimulator, type SimulatorOptions, startSimulator } from '@parley/simulator';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { resetDeprecationNotices } from './deprecation-notices';
import { BudgetExceededError } from './errors/budget-exceeded-error';
import { LlmCallError } from './errors/llm-call-error';
import { StructuredOutputError } from './errors/structured-output-error';
import { llmFailureReason } from './failure-reason';
import type { ChatMessage } from './language-model';
import type { CallLogger } from './middleware/call-logger';
import { createModelRegistry } from './model-registry';
import { testRunConfig } from './test-support/test-config';
import { createTestRedis, type TestRedis } from './test-support/test-redis';

/**
 * Every row of the "real providers" table, through the official SDKs over HTTP against the
 * simulator's fault modes, for both vendors where the row concerns both.
 */

type ModelInput = RunConfigInput['models'][string];
type Vendor = 'openai' | 'anthropic';

const verdictSchema = z.object({ contradicts: z.boolean(), reason: z.string().min(1) });

function prompt(topic: string): ChatMessage[] {
  return [
    { role: 'system', content: 'You judge conversations.' },
    { role: 'user', content: `Does this contradict itself? ${topic}` },
  ];
}

let testRedis: TestRedis;
const simulators: RunningSimulator[] = [];
beforeAll(() => {
  testRedis = createTestRedis();
});
beforeEach(() => resetDeprecationNotices());
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(simulators.splice(0).map((simulator) => simulator.close()));
});
afterAll(async () => {
  await testRedis.cleanup();
});

/** Records what the LLM layer logs, by message. */
function recordingLogger(): CallLogger & {
  lines: Array<{ message: string; object: Record<string, unknown> }>;
} {
  const lines: Array<{ message: string; object: Record<string, unknown> }> = [];
  const logger = {
    lines,
    child: () => logger,
    debug: () => {},
    warn: (object: Record<string, unknown>, message: string) => {
      lines.push({ message, object });
    },
  };
  return logger;
}

let runCounter = 0;
async function setup(
  vendor: Vendor,
  options: {
    faults?: SimulatorOptions['faults'];
    model?: Partial<ModelInput>;
    job?: Partial<Omit<RunConfigInput, 'models'>>;
    logger?: CallLogger;
  } = {},
) {
  const simulator = await startSimulator({ seed: 11, faults: options.faults });
  simulators.push(simulator);
  const binding: ModelInput =
    vendor === 'openai'
      ? { provider: 'openai', model: 'gpt-4o-mini', baseURL: simulator.openaiBaseURL }
      : { provider: 'anthropic', model: 'claude-haiku-5-0', baseURL: simulator.anthropicBaseURL };
  const config = testRunConfig(
    { m: { ...binding, timeoutMs: 5_000, maxRetries: 2, ...options.model } },
    options.job,
  );
  const runId = `faults-${++runCounter}`;
  const registry = createModelRegistry({
    config,
    redis: testRedis.redis,
    prefix: testRedis.prefix,
    runId,
    environment: {
      OPENAI_API_KEY: 'sk-test-not-a-real-key-0000',
      ANTHROPIC_API_KEY: 'sk-ant-test-not-real-0000',
    },
    retry: { initialDelayMs: 10, maxDelayMs: 40 },
    logger: options.logger,
  });
  return { simulator, registry, model: registry.languageModel('m') };
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(outcome instanceof Error)) throw new Error('expected the call to fail');
  return outcome;
}

const VENDORS: Vendor[] = ['openai', 'anthropic'];

describe.each(VENDORS)('%s: headers, then a body that never finishes', (vendor) => {
  it('ends each attempt at timeoutMs, body included, retries, and gives up within timeoutMs × (attempts + 1)', async () => {
    // Generous against a busy machine: the bound leaves a whole timeoutMs of slack.
    const timeoutMs = 800;
    const { model, registry } = await setup(vendor, {
      faults: { stallAfterHeaders: 1 },
      model: { timeoutMs, maxRetries: 1 },
    });
    const started = performance.now();
    const error = await failure(model.generateText({ messages: prompt('stall') }));
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(LlmCallError);
    expect((error as LlmCallError).code).toBe('LLM_TIMEOUT');
    expect(elapsed).toBeGreaterThanOrEqual(2 * timeoutMs - 20);
    expect(elapsed).toBeLessThan(timeoutMs * (2 + 1));
    expect((await registry.usage()).total).toMatchObject({ retries: 1, failedCalls: 1 });
  });

  it('succeeds on the retry when only the first attempt stalls', async () => {
    const { model, simulator } = await setup(vendor, {
      faults: { stallAfterHeaders: 1, faultyAttemptsPerBody: 1 },
      model: { timeoutMs: 400 },
    });
    const result = await model.generateObject({
      messages: prompt('stall once'),
      schema: verdictSchema,
      schemaName: 'verdict',
    });
    expect(result.object.reason.length).toBeGreaterThan(0);
    expect(simulator.stats().faults.stallAfterHeaders).toBe(1);
  });
});

describe.each(VENDORS)('%s: a TCP reset in the middle of the body', (vendor) => {
  it('is a retryable connection error, so a reset once per request loses nothing', async () => {
    const { model, simulator, registry } = await setup(vendor, {
      faults: { resetMidBody: 1, faultyAttemptsPerBody: 1 },
    });
    const results = await Promise.all(
      ['a', 'b', 'c'].map((topic) =>
        model.generateObject({ messages: prompt(topic), schema: verdictSchema, schemaName: 'verdict' }),
      ),
    );
    expect(results).toHaveLength(3);
    expect(simulator.stats().faults.resetMidBody).toBe(3);
    expect((await registry.usage()).total).toMatchObject({ retries: 3, failedCalls: 0, calls: 3 });
  });

  it('fails as LLM_CONNECTION (retryable) when every attempt is reset', async () => {
    const { model } = await setup(vendor, { faults: { resetMidBody: 1 }, model: { maxRetries: 1 } });
    const error = (await failure(model.generateText({ messages: prompt('reset') }))) as LlmCallError;
    expect(error.code).toBe('LLM_CONNECTION');
    expect(error.isRetryable).toBe(true);
    expect(error.reason).toMatch(/^provider-error \(connection\): /);
  });
});

describe.each(VENDORS)('%s: wrong key, unknown model', (vendor) => {
  it.each([
    ['unauthorized', 401, 'LLM_AUTHENTICATION'],
    ['modelNotFound', 404, 'LLM_BAD_REQUEST'],
  ] as const)('%s fails at once, without retries', async (fault, status, code) => {
    const { model, simulator } = await setup(vendor, { faults: { [fault]: 1 } });
    const error = (await failure(model.generateText({ messages: prompt(fault) }))) as LlmCallError;
    expect(error.status).toBe(status);
    expect(error.code).toBe(code);
    expect(error.isRetryable).toBe(false);
    expect(simulator.stats().requests.total).toBe(1);
  });
});

describe('exhausted quota', () => {
  it.each([
    ['openai', /^provider-error \(429 insufficient_quota\): .*exceeded your current quota/],
    ['anthropic', /^provider-error \(400 invalid_request_error\): .*credit balance is too low/],
  ] as const)('%s: not retried, not a rate limit, with a clear reason', async (vendor, reason) => {
    const { model, simulator, registry } = await setup(vendor, { faults: { insufficientQuota: 1 } });
    const error = (await failure(model.generateText({ messages: prompt('quota') }))) as LlmCallError;
    expect(error.code).toBe('LLM_QUOTA_EXCEEDED');
    expect(error.isRetryable).toBe(false);
    expect(error.isRateLimited).toBe(false);
    expect(error.retryAfterMs).toBeUndefined();
    expect(llmFailureReason(error)).toMatch(reason);
    expect(simulator.stats().requests.total).toBe(1);
    expect((await registry.usage()).total).toMatchObject({ rateLimited: 0, retries: 0, failedCalls: 1 });
    // The shared limiter was not halved: an empty account is no rate signal.
    expect((await registry.limiterState('m')).factor).toBe(1);
  });
});

describe.each(VENDORS)('%s: truncated answers', (vendor) => {
  it('asks once more with twice the output limit, then fails as truncated', async () => {
    const { model, simulator } = await setup(vendor, {
      faults: { truncated: 1 },
      model: { decoding: { maxOutputTokens: 300 } },
    });
    const error = (await failure(
      model.generateObject({ messages: prompt('long'), schema: verdictSchema, schemaName: 'verdict' }),
    )) as StructuredOutputError;
    expect(error).toBeInstanceOf(StructuredOutputError);
    expect(error.outcome).toBe('truncated');
    expect(error.message).toMatch(
      /^truncated: cut at 600 output tokens \(finish reason (length|max_tokens)\)/,
    );
    // Two calls, 300 then 600 tokens: never the same limit twice, and the usage is kept.
    expect(simulator.stats().requests.total).toBe(2);
    expect(simulator.stats().tokens.output).toBe(900);
    expect(error.usage.outputTokens).toBe(900);
  });
});

describe('truncation with room to spare', () => {
  it('succeeds when the doubled limit fits the answer', async () => {
    // The simulator cuts an answer longer than max_tokens (finish reason length); 8 tokens
    // cut every verdict, 16 fit this one.
    const { model, simulator } = await setup('openai', { model: { decoding: { maxOutputTokens: 8 } } });
    const result = await model.generateObject({
      messages: [{ role: 'user', content: 'ok?' }],
      schema: z.object({ ok: z.boolean() }),
      schemaName: 'ok',
    });
    expect(typeof result.object.ok).toBe('boolean');
    expect(simulator.stats().requests.total).toBeLessThanOrEqual(2);
  });
});

describe.each(VENDORS)('%s: refusals', (vendor) => {
  it('a refusal without content is a refused outcome with its text, never re-asked', async () => {
    const { model, simulator } = await setup(vendor, { faults: { refusal: 1 } });
    const error = (await failure(
      model.generateObject({ messages: prompt('refuse'), schema: verdictSchema, schemaName: 'verdict' }),
    )) as StructuredOutputError;
    expect(error.outcome).toBe('refused');
    expect(error.message).toMatch(/^refused: "I'm sorry, but I can't help with that request/);
    expect(simulator.stats().requests.total).toBe(1);
  });

  it('a refusal with complete, schema-valid JSON is still refused', async () => {
    const { model } = await setup(vendor, { faults: { refusalWithContent: 1 } });
    const error = (await failure(
      model.generateObject({ messages: prompt('refuse'), schema: verdictSchema, schemaName: 'verdict' }),
    )) as StructuredOutputError;
    expect(error.outcome).toBe('refused');
    expect(verdictSchema.safeParse(JSON.parse(error.rawOutput)).success).toBe(true);
  });

  it('a content filter over a complete answer is never accepted', async () => {
    const { model, simulator } = await setup(vendor, { faults: { contentFilter: 1 } });
    const error = (await failure(
      model.generateObject({ messages: prompt('filter'), schema: verdictSchema, schemaName: 'verdict' }),
    )) as StructuredOutputError;
    // Anthropic has no content_filter: its classifiers answer stop_reason refusal.
    expect(error.message).toMatch(
      vendor === 'openai' ? /^content-filtered: finish reason content_filter/ : /^refused: /,
    );
    expect(simulator.stats().requests.total).toBe(1);
  });
});

describe('budget with truncating answers', () => {
  it('reserves the max_tokens actually sent, so a $0.30 cap spends at most $0.33', async () => {
    const { model, registry } = await setup('anthropic', {
      faults: { truncated: 1 },
      // No maxOutputTokens: the adapter sends Anthropic's default 4096, then 8192 on the retry.
      model: { price: { inputPerMillionTokens: 3, outputPerMillionTokens: 15 } },
      job: { budget: { maxCostUsd: 0.3 } },
    });
    let budgetStops = 0;
    const slot = async (index: number) => {
      for (let call = 0; call < 50; call++) {
        try {
          await model.generateObject({
            messages: prompt(`slot ${index} call ${call}`),
            schema: verdictSchema,
            schemaName: 'verdict',
          });
        } catch (error) {
          if (error instanceof BudgetExceededError) {
            budgetStops++;
            return;
          }
          if (!(error instanceof StructuredOutputError && error.outcome === 'truncated')) throw error;
        }
      }
    };
    // Eight slots in flight, as eight workers would have: reserving less than max_tokens would
    // let all eight start at once (about $0.49).
    await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map(slot));
    const usage = await registry.usage();
    expect(budgetStops).toBe(8);
    expect(usage.total.outputTokens).toBeGreaterThanOrEqual(4096 * 3);
    expect(usage.total.costUsd).toBeGreaterThan(0.2);
    expect(usage.total.costUsd).toBeLessThanOrEqual(0.33);
  });
});

describe('prompt-cache pricing', () => {
  it('prices OpenAI cached_tokens at the cached-input price', async () => {
    const price = { inputPerMillionTokens: 2, cachedInputPerMillionTokens: 0.5, outputPerMillionTokens: 8 };
    const { model, registry } = await setup('openai', { faults: { promptCache: 1 }, model: { price } });
    const result = await model.generateText({ messages: prompt('cache') });
    const { inputTokens, outputTokens, cacheReadInputTokens } = result.usage;
    expect(cacheReadInputTokens).toBe(Math.floor(inputTokens / 2));
    const expected =
      ((inputTokens - cacheReadInputTokens!) * 2 + cacheReadInputTokens! * 0.5 + outputTokens * 8) / 1e6;
    const total = (await registry.usage()).total;
    expect(total.costUsd).toBeCloseTo(expected, 12);
    expect(total.cacheReadInputTokens).toBe(cacheReadInputTokens);
  });

  it('prices Anthropic cache reads and writes at their own prices', async () => {
    const price = {
      inputPerMillionTokens: 3,
      cachedInputPerMillionTokens: 0.3,
      cacheWritePerMillionTokens: 3.75,
      outputPerMillionTokens: 15,
    };
    const { model, registry } = await setup('anthropic', { faults: { promptCache: 1 }, model: { price } });
    const result = await model.generateText({ messages: prompt('cache') });
    const { inputTokens, outputTokens, cacheReadInputTokens = 0, cacheWriteInputTokens = 0 } = result.usage;
    expect(cacheReadInputTokens).toBeGreaterThan(0);
    expect(cacheWriteInputTokens).toBeGreaterThan(0);
    const plain = inputTokens - cacheReadInputTokens - cacheWriteInputTokens;
    const expected =
      (plain * 3 + cacheReadInputTokens * 0.3 + cacheWriteInputTokens * 3.75 + outputTokens * 15) / 1e6;
    const total = (await registry.usage()).total;
    expect(total.costUsd).toBeCloseTo(expected, 12);
    expect(total).toMatchObject({ cacheReadInputTokens, cacheWriteInputTokens });
  });
});

describe('the K candidates of a pair on Anthropic', () => {
  it('differ on the wire by their seed, and say how', async () => {
    const { model } = await setup('anthropic');
    const [first, second] = await Promise.all(
      [1, 2].map((seed) =>
        model.generateObject({
          messages: prompt('same pair'),
          schema: verdictSchema,
          schemaName: 'verdict',
          decoding: { seed },
        }),
      ),
    );
    // The simulator answers as a pure function of the request body.
    expect(first!.text).not.toBe(second!.text);
    expect(first!.warnings.join(' ')).toContain('"(variation 1)" line at the end of the last user message');
  });
});

describe('HTML error pages', () => {
  it.each(VENDORS)('%s: keeps the status and a short excerpt, never the page', async (vendor) => {
    const { model } = await setup(vendor, { faults: { htmlErrorPage: 1 }, model: { maxRetries: 0 } });
    const error = (await failure(model.generateText({ messages: prompt('html') }))) as LlmCallError;
    expect(error.status).toBe(502);
    expect(error.isRetryable).toBe(true);
    expect(error.message).toContain('502 Bad Gateway');
    expect(error.message).not.toContain('<');
    expect(error.message.length).toBeLessThan(400);
  });
});

describe('deprecated models', () => {
  it('routes the Anthropic SDK console warning through the logger, once per model', async () => {
    const console = vi.spyOn(globalThis.console, 'warn').mockImplementation(() => {});
    const logger = recordingLogger();
    const { model } = await setup('anthropic', { model: { model: 'claude-sonnet-4-5' }, logger });
    for (const topic of ['a', 'b', 'c']) await model.generateText({ messages: prompt(topic) });
    expect(console).not.toHaveBeenCalled();
    const notices = logger.lines.filter((line) => line.message === 'model is deprecated');
    expect(notices).toHaveLength(1);
    expect(notices[0]!.object).toMatchObject({ model: 'anthropic:claude-sonnet-4-5', source: 'sdk' });
    expect(String(notices[0]!.object.notice)).toContain('deprecated and will reach end-of-life');
  });

  it.each(VENDORS)('%s: logs a deprecation response header once per model', async (vendor) => {
    const logger = recordingLogger();
    const { model } = await setup(vendor, { faults: { deprecated: 1 }, logger });
    for (const topic of ['a', 'b']) await model.generateText({ messages: prompt(topic) });
    const notices = logger.lines.filter((line) => line.message === 'model is deprecated');
    expect(notices).toHaveLength(1);
    expect(notices[0]!.object).toMatchObject({ source: 'header' });
    expect(String(notices[0]!.object.notice)).toMatch(/^deprecation: @\d+, sunset: /);
  });
});
