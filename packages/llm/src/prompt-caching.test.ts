import { describe, expect, it } from 'vitest';
import { AnthropicLanguageModel } from './anthropic/anthropic-language-model';
import { convertToAnthropicMessages } from './anthropic/convert-to-anthropic-messages';
import type { ChatMessage } from './language-model';
import { OpenAILanguageModel } from './openai/openai-language-model';
import { promptCacheKey } from './openai/prompt-cache-key';

const prompt = (target: string): ChatMessage[] => [
  { role: 'system', content: 'Write conversations.' },
  { role: 'user', content: 'Examples ...', cacheBreakpoint: true },
  { role: 'user', content: target },
];

describe('prompt caching on Anthropic', () => {
  it('ends the stable prefix in a block with cache_control, the rest after it', () => {
    const converted = convertToAnthropicMessages(prompt('Target A'));
    expect(converted.system).toBe('Write conversations.');
    expect(converted.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Examples ...', cache_control: { type: 'ephemeral' } },
          { type: 'text', text: '\n\nTarget A' },
        ],
      },
    ]);
  });

  it('marks a system prompt, and keeps the seed line out of the cached block', () => {
    const model = new AnthropicLanguageModel({ model: 'claude-sonnet-4-6', apiKey: 'sk-ant-test-0' });
    const { body } = model.requestBody({
      messages: [
        { role: 'system', content: 'Long instructions.', cacheBreakpoint: true },
        { role: 'user', content: 'Judge this.' },
      ],
      decoding: { seed: 7 },
    });
    expect(body.system).toEqual([
      { type: 'text', text: 'Long instructions.', cache_control: { type: 'ephemeral' } },
    ]);
    expect(body.messages).toEqual([{ role: 'user', content: 'Judge this.\n\n(variation 7)' }]);
    const generator = model.requestBody({ messages: prompt('Target'), decoding: { seed: 3 } }).body;
    expect(generator.messages[0]!.content).toEqual([
      { type: 'text', text: 'Examples ...', cache_control: { type: 'ephemeral' } },
      { type: 'text', text: '\n\nTarget' },
      { type: 'text', text: '\n\n(variation 3)' },
    ]);
  });
});

describe('prompt caching on OpenAI', () => {
  it('sends one prompt_cache_key per stable prefix', () => {
    const model = new OpenAILanguageModel({ model: 'gpt-4.1-mini', apiKey: 'sk-test' });
    const key = (messages: ChatMessage[]) =>
      model.requestBody({ messages, decoding: {} }).body.prompt_cache_key;
    expect(key(prompt('A'))).toMatch(/^parley-[0-9a-f]{32}$/);
    expect(key(prompt('A'))).toBe(key(prompt('B')));
    const otherPrefix = prompt('A').map((message, index) =>
      index === 1 ? { ...message, content: 'Other examples' } : message,
    );
    expect(key(otherPrefix)).not.toBe(key(prompt('A')));
    expect(key([{ role: 'user', content: 'no marker' }])).toBeUndefined();
    // The marker itself never reaches the wire.
    const sent = model.requestBody({ messages: prompt('A'), decoding: {} }).body.messages;
    expect(JSON.stringify(sent)).not.toContain('cacheBreakpoint');
  });

  it('is not sent to generic OpenAI-compatible servers', () => {
    const model = new OpenAILanguageModel({
      provider: 'openai-compatible',
      model: 'llama',
      baseURL: 'http://127.0.0.1:1/v1',
    });
    expect(model.requestBody({ messages: prompt('A'), decoding: {} }).body.prompt_cache_key).toBeUndefined();
    expect(promptCacheKey('llama', prompt('A'))).toBeDefined();
  });
});
