import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LlmCallError } from '../errors/llm-call-error';
import { AnthropicLanguageModel } from './anthropic-language-model';
import { convertToAnthropicMessages } from './convert-to-anthropic-messages';
import { mapAnthropicFinishReason } from './map-anthropic-finish-reason';

const apiKey = 'sk-ant-test-000000000000';

describe('convertToAnthropicMessages', () => {
  it('moves system messages to the system prompt and joins consecutive turns of one role', () => {
    expect(
      convertToAnthropicMessages([
        { role: 'system', content: 'Rule one.' },
        { role: 'user', content: 'Example A' },
        { role: 'user', content: 'Example B' },
        { role: 'system', content: 'Rule two.' },
        { role: 'assistant', content: 'Sure.' },
        { role: 'user', content: 'Go.' },
      ]),
    ).toEqual({
      system: 'Rule one.\n\nRule two.',
      messages: [
        { role: 'user', content: 'Example A\n\nExample B' },
        { role: 'assistant', content: 'Sure.' },
        { role: 'user', content: 'Go.' },
      ],
    });
  });
});

describe('AnthropicLanguageModel request body', () => {
  const messages = [
    { role: 'system' as const, content: 'Be brief.' },
    { role: 'user' as const, content: 'Hi' },
  ];

  it('sends max_tokens (4096 by default), drops sampling parameters, and turns the seed into a variation line', () => {
    const model = new AnthropicLanguageModel({ model: 'claude-sonnet-5-5', apiKey });
    const { body, warnings } = model.requestBody({
      messages,
      decoding: { temperature: 0.7, topK: 40, seed: 1 },
    });
    expect(body).toEqual({
      model: 'claude-sonnet-5-5',
      max_tokens: 4096,
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'Hi\n\n(variation 1)' }],
    });
    expect(warnings).toEqual([
      'temperature (0.7), topK (40) not sent: current Anthropic models take no sampling parameters',
      'seed (1) is not supported by Anthropic; sent as a "(variation 1)" line at the end of the last user message',
    ]);
  });

  it('sends temperature and top_k when the binding opts in, never with top_p', () => {
    const model = new AnthropicLanguageModel({
      model: 'claude-3-5-haiku',
      apiKey,
      samplingParameters: 'send',
    });
    const { body, warnings } = model.requestBody({
      messages,
      decoding: { temperature: 1.4, topP: 0.9, topK: 40, maxOutputTokens: 300 },
    });
    expect(body).toMatchObject({ max_tokens: 300, temperature: 1, top_k: 40 });
    expect(body).not.toHaveProperty('top_p');
    expect(warnings).toEqual([
      "temperature 1.4 is above Anthropic's maximum of 1; 1 was sent",
      'topP (0.9) not sent: Anthropic takes temperature or top_p, not both',
    ]);
  });

  it('asks for structured output with output_config.format', () => {
    const model = new AnthropicLanguageModel({ model: 'claude-sonnet-5-5', apiKey });
    const schema = z.object({ contradicts: z.boolean() });
    const { body } = model.requestBody({ messages, decoding: {}, output: { schema, name: 'verdict' } });
    expect(body.output_config).toEqual({
      format: {
        type: 'json_schema',
        schema: {
          type: 'object',
          properties: { contradicts: { type: 'boolean' } },
          required: ['contradicts'],
          additionalProperties: false,
        },
      },
    });
  });

  it('refuses a request with no user or assistant message', () => {
    const model = new AnthropicLanguageModel({ model: 'claude-sonnet-5-5', apiKey });
    expect(() => model.requestBody({ messages: [{ role: 'system', content: 'x' }], decoding: {} })).toThrow(
      LlmCallError,
    );
  });
});

describe('AnthropicLanguageModel responses', () => {
  it('joins text blocks and counts prompt-cache tokens as input', async () => {
    const fetch = async () =>
      new Response(
        JSON.stringify({
          id: 'msg_1',
          type: 'message',
          role: 'assistant',
          model: 'claude-sonnet-5-5',
          content: [
            { type: 'text', text: 'Hello ' },
            { type: 'text', text: 'there.' },
          ],
          stop_reason: 'max_tokens',
          usage: {
            input_tokens: 10,
            output_tokens: 4,
            cache_read_input_tokens: 100,
            cache_creation_input_tokens: 5,
          },
        }),
        { status: 200, headers: { 'content-type': 'application/json' } },
      );
    const client = new Anthropic({ apiKey, baseURL: 'http://127.0.0.1:1', fetch, maxRetries: 0 });
    const model = new AnthropicLanguageModel({ model: 'claude-sonnet-5-5', apiKey, client });
    const result = await model.doGenerate({ messages: [{ role: 'user', content: 'Hi' }], decoding: {} });
    expect(result).toEqual({
      text: 'Hello there.',
      usage: { inputTokens: 115, outputTokens: 4, cacheReadInputTokens: 100, cacheWriteInputTokens: 5 },
      finishReason: { unified: 'length', raw: 'max_tokens' },
      warnings: [],
    });
  });

  it('treats 529 overloaded as a retryable server error', async () => {
    const fetch = async () =>
      new Response(
        JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }),
        {
          status: 529,
          headers: { 'content-type': 'application/json' },
        },
      );
    const client = new Anthropic({ apiKey, baseURL: 'http://127.0.0.1:1', fetch, maxRetries: 0 });
    const model = new AnthropicLanguageModel({ model: 'claude-sonnet-5-5', apiKey, client });
    const error = (await model
      .doGenerate({ messages: [{ role: 'user', content: 'Hi' }], decoding: {} })
      .catch((caught: unknown) => caught)) as LlmCallError;
    expect(error.code).toBe('LLM_SERVER_ERROR');
    expect(error.isRetryable).toBe(true);
  });
});

describe('mapAnthropicFinishReason', () => {
  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['refusal', 'content-filter'],
    ['tool_use', 'tool-calls'],
    ['pause_turn', 'other'],
  ] as const)('maps %s to %s', (raw, unified) => {
    expect(mapAnthropicFinishReason(raw)).toEqual({ unified, raw });
  });
});
