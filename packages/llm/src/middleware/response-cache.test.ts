import { describe, expect, it } from 'vitest';
import type { CacheStore } from './cache-store';
import { type CacheKeyParts, cacheKeyHash, canonicalJson, ResponseCache } from './response-cache';

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

describe('ResponseCache', () => {
  const answer = {
    text: '{"turns":[]}',
    usage: { inputTokens: 12, outputTokens: 3 },
    finishReason: { unified: 'stop' as const, raw: 'stop' },
    modelId: 'gpt-4o-mini',
    warnings: [],
  };

  function memoryStore(): CacheStore & { entries: Map<string, string> } {
    const entries = new Map<string, string>();
    return {
      entries,
      read: async (key) => entries.get(key),
      write: async (key, text) => void entries.set(key, text),
    };
  }

  it('keys a bound endpoint instead of the base URL, so a new port is no new request', () => {
    const cache = new ResponseCache(memoryStore()).forEndpoint('simulator:abc');
    expect(cache.key({ ...base, baseURL: 'http://127.0.0.1:41001/v1' })).toBe(
      cache.key({ ...base, baseURL: 'http://127.0.0.1:52002/v1' }),
    );
    expect(cache.key(base)).not.toBe(new ResponseCache(memoryStore()).forEndpoint('simulator:def').key(base));
  });

  it('stores only the answer and serves it back', async () => {
    const store = memoryStore();
    const cache = new ResponseCache(store).forEndpoint('https://api.openai.com/v1');
    const key = cache.key(base);
    await cache.set(key, { ...answer, headers: { authorization: 'Bearer sk-secret' } } as typeof answer);
    expect(await cache.get(key)).toEqual(answer);
    const stored = store.entries.get(key)!;
    expect(stored).not.toContain('sk-secret');
    expect(Object.keys(JSON.parse(stored).answer).sort()).toEqual([
      'finishReason',
      'modelId',
      'text',
      'usage',
      'warnings',
    ]);
  });

  it.each([
    ['not JSON', () => '{"version":2,"key":'],
    [
      'an answer of the wrong shape',
      (key: string) => JSON.stringify({ version: 2, key, answer: { text: 1 } }),
    ],
    ['an older format', (key: string) => JSON.stringify({ version: 1, key, answer })],
    ['another key', () => JSON.stringify({ version: 2, key: 'f'.repeat(64), answer })],
  ])('treats an entry that is %s as a miss', async (_name, entry) => {
    const store = memoryStore();
    const cache = new ResponseCache(store);
    const key = cache.key(base);
    store.entries.set(key, entry(key));
    expect(await cache.get(key)).toBeUndefined();
  });

  it('treats a failing store as a miss, and a failed write as nothing', async () => {
    const broken: CacheStore = {
      read: async () => {
        throw new Error('EIO');
      },
      write: async () => {
        throw new Error('ENOSPC');
      },
    };
    const cache = new ResponseCache(broken);
    await expect(cache.get(cache.key(base))).resolves.toBeUndefined();
    await expect(cache.set(cache.key(base), answer)).resolves.toBeUndefined();
  });
});
