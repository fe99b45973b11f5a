import { describe, expect, it } from 'vitest';
import { type CacheKeyParts, cacheKeyHash, canonicalJson } from './response-cache';

const base: CacheKeyParts = {
  kind: 'object',
  provider: 'openai',
  baseURL: 'https://api.openai.com/v1',
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'Write a conversation.' }],
  decoding: { temperature: 0.7, seed: 0 },
  schemaName: 'conversation',
  schema: { type: 'object' },
};

describe('cacheKeyHash', () => {
  it('ignores key order and undefined fields', () => {
    expect(canonicalJson({ b: 1, a: { d: undefined, c: 2 } })).toBe('{"a":{"c":2},"b":1}');
    expect(cacheKeyHash({ ...base, decoding: { seed: 0, temperature: 0.7, topK: undefined } })).toBe(
      cacheKeyHash(base),
    );
  });

  it.each([
    ['seed (K candidates of one pair)', { decoding: { temperature: 0.7, seed: 1 } }],
    ['temperature', { decoding: { temperature: 0.8, seed: 0 } }],
    ['prompt', { messages: [{ role: 'user' as const, content: 'Write a longer conversation.' }] }],
    ['schema', { schema: { type: 'object', required: ['turns'] } }],
    ['schema name', { schemaName: 'dialogue' }],
    ['model', { model: 'gpt-4o' }],
    ['base URL', { baseURL: 'http://127.0.0.1:8000/v1' }],
    ['provider', { provider: 'openai-compatible' }],
  ])('changes with the %s', (_name, change) => {
    expect(cacheKeyHash({ ...base, ...change })).not.toBe(cacheKeyHash(base));
  });
});
