import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LlmCallError } from '../errors/llm-call-error';
import { mapOpenAIFinishReason } from './map-openai-finish-reason';
import { OpenAILanguageModel } from './openai-language-model';

const messages = [
  { role: 'system' as const, content: 'Be brief.' },
  { role: 'user' as const, content: 'Hi' },
];
const decoding = { temperature: 0.7, topP: 0.9, topK: 40, maxOutputTokens: 200, seed: 3 };

/** A fetch that answers every request with one JSON body and records what was sent. */
function fakeFetch(status: number, body: unknown, headers: Record<string, string> = {}) {
  const sent: Array<{ url: string; body: unknown; headers: Headers }> = [];
  const fetch = async (url: string | URL | Request, init?: RequestInit) => {
    sent.push({
      url: String(url),
      body: JSON.parse(String(init?.body)),
      headers: new Headers(init?.headers),
    });
    return new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json', ...headers },
    });
  };
  return { fetch, sent };
}

describe('OpenAILanguageModel request body', () => {
  it('sends max_completion_tokens to OpenAI and warns that top-k is unsupported', () => {
    const model = new OpenAILanguageModel({ model: 'gpt-4o-mini', apiKey: 'sk-test-0000000000' });
    const { body, warnings } = model.requestBody({ messages, decoding });
    expect(body).toEqual({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
      temperature: 0.7,
      top_p: 0.9,
      seed: 3,
      max_completion_tokens: 200,
    });
    expect(warnings).toEqual(['topK (40) is not supported by OpenAI and was not sent']);
  });

  it('passes top_k and max_tokens through to OpenAI-compatible servers', () => {
    const model = new OpenAILanguageModel({
      provider: 'openai-compatible',
      model: 'meta-llama/Llama-3.1-8B-Instruct',
      baseURL: 'http://127.0.0.1:8000/v1',
    });
    const { body, warnings } = model.requestBody({ messages, decoding });
    expect(body).toMatchObject({ top_k: 40, max_tokens: 200 });
    expect(body).not.toHaveProperty('max_completion_tokens');
    expect(warnings).toEqual([]);
  });

  it('asks for a strict JSON schema response format', () => {
    const model = new OpenAILanguageModel({ model: 'gpt-4o-mini', apiKey: 'sk-test-0000000000' });
    const schema = z.object({ answer: z.string(), score: z.number().int() });
    const { body } = model.requestBody({ messages, decoding: {}, output: { schema, name: 'scored_answer' } });
    expect(JSON.parse(JSON.stringify(body.response_format))).toEqual({
      type: 'json_schema',
      json_schema: {
        name: 'scored_answer',
        strict: true,
        schema: expect.objectContaining({
          type: 'object',
          properties: { answer: { type: 'string' }, score: expect.objectContaining({ type: 'integer' }) },
          required: ['answer', 'score'],
          additionalProperties: false,
        }),
      },
    });
  });
});

describe('OpenAILanguageModel responses', () => {
  it('validates the response and reads text, usage and finish reason', async () => {
    const { fetch, sent } = fakeFetch(200, {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      model: 'gpt-4o-mini',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello!' }, finish_reason: 'length' }],
      usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 },
    });
    const { default: OpenAI } = await import('openai');
    const client = new OpenAI({
      apiKey: 'sk-test-0000000000',
      baseURL: 'http://127.0.0.1:1/v1',
      fetch,
      maxRetries: 0,
    });
    const model = new OpenAILanguageModel({ model: 'gpt-4o-mini', client });
    const result = await model.doGenerate({ messages, decoding: {}, attempt: 2 });
    expect(result).toEqual({
      text: 'Hello!',
      usage: { inputTokens: 12, outputTokens: 3 },
      finishReason: { unified: 'length', raw: 'length' },
      warnings: [],
    });
    expect(sent[0]?.url).toBe('http://127.0.0.1:1/v1/chat/completions');
    expect(sent[0]?.headers.get('x-stainless-retry-count')).toBe('2');
  });

  it('reports no usage when the server sends none, so the middleware counts it', async () => {
    const { fetch } = fakeFetch(200, { choices: [{ message: { content: 'Hi' }, finish_reason: 'stop' }] });
    const { default: OpenAI } = await import('openai');
    const client = new OpenAI({ apiKey: 'x', baseURL: 'http://127.0.0.1:1/v1', fetch, maxRetries: 0 });
    const model = new OpenAILanguageModel({ provider: 'openai-compatible', model: 'm', client });
    expect((await model.doGenerate({ messages, decoding: {} })).usage).toBeUndefined();
    const text = await model.generateText({ messages });
    expect(text.usage.inputTokens).toBeGreaterThan(0);
    expect(text.usage.outputTokens).toBe(1);
  });

  it('rejects a 200 that is not a chat completion, naming the base URL', async () => {
    const { fetch } = fakeFetch(200, { hello: 'world' });
    const { default: OpenAI } = await import('openai');
    const client = new OpenAI({ apiKey: 'x', baseURL: 'http://127.0.0.1:1/v1', fetch, maxRetries: 0 });
    const model = new OpenAILanguageModel({
      provider: 'openai-compatible',
      model: 'm',
      client,
      baseURL: 'http://127.0.0.1:1/v1',
    });
    const error = await model.doGenerate({ messages, decoding: {} }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LlmCallError);
    expect((error as LlmCallError).code).toBe('LLM_INVALID_RESPONSE');
    expect((error as LlmCallError).isRetryable).toBe(false);
    expect((error as LlmCallError).message).toContain('http://127.0.0.1:1/v1');
  });

  it.each([
    [429, { 'retry-after': '7' }, 'LLM_RATE_LIMITED', true, 7_000],
    [429, { 'retry-after-ms': '250', 'retry-after': '7' }, 'LLM_RATE_LIMITED', true, 250],
    [503, {}, 'LLM_SERVER_ERROR', true, undefined],
    [408, {}, 'LLM_TIMEOUT', true, undefined],
    [409, {}, 'LLM_CALL_FAILED', true, undefined],
    [400, {}, 'LLM_BAD_REQUEST', false, undefined],
    [401, {}, 'LLM_AUTHENTICATION', false, undefined],
  ] as const)(
    'maps HTTP %i to a typed LlmCallError',
    async (status, headers, code, retryable, retryAfterMs) => {
      const { fetch } = fakeFetch(status, { error: { message: 'nope', type: 'x' } }, headers);
      const { default: OpenAI } = await import('openai');
      const client = new OpenAI({ apiKey: 'x', baseURL: 'http://127.0.0.1:1/v1', fetch, maxRetries: 0 });
      const model = new OpenAILanguageModel({ model: 'gpt-4o-mini', client });
      const error = (await model
        .doGenerate({ messages, decoding: {} })
        .catch((caught: unknown) => caught)) as LlmCallError;
      expect(error).toBeInstanceOf(LlmCallError);
      expect(error.status).toBe(status);
      expect(error.code).toBe(code);
      expect(error.isRetryable).toBe(retryable);
      expect(error.retryAfterMs).toBe(retryAfterMs);
      expect(error.provider).toBe('openai');
    },
  );

  it('maps a connection failure to a retryable error', async () => {
    const model = new OpenAILanguageModel({
      provider: 'openai-compatible',
      model: 'm',
      baseURL: 'http://127.0.0.1:9/v1',
    });
    const error = (await model
      .doGenerate({ messages, decoding: {} })
      .catch((caught: unknown) => caught)) as LlmCallError;
    expect(error.code).toBe('LLM_CONNECTION');
    expect(error.isRetryable).toBe(true);
  });
});

describe('mapOpenAIFinishReason', () => {
  it.each([
    ['stop', 'stop'],
    ['length', 'length'],
    ['content_filter', 'content-filter'],
    ['tool_calls', 'tool-calls'],
    ['something_new', 'other'],
  ] as const)('maps %s to %s, keeping the raw value', (raw, unified) => {
    expect(mapOpenAIFinishReason(raw)).toEqual({ unified, raw });
  });
});
