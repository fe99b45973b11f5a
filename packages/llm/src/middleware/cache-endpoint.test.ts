import { simulatorConfigSchema } from '@parley/core';
import { describe, expect, it } from 'vitest';
import { cacheEndpoint, normaliseBaseUrl } from './cache-endpoint';

describe('cacheEndpoint', () => {
  it('names a real provider by its normalised base URL, without credentials or secrets', () => {
    expect(normaliseBaseUrl('HTTPS://API.OpenAI.com:443/v1/')).toBe('https://api.openai.com/v1');
    expect(normaliseBaseUrl('https://example.test/openai?api-version=2024-10-01&api-key=sk-123#x')).toBe(
      'https://example.test/openai?api-version=2024-10-01',
    );
    expect(cacheEndpoint('http://10.0.0.5:8000/v1')).not.toBe(cacheEndpoint('http://10.0.0.6:8000/v1'));
  });

  it('names the in-process simulator by what decides its answers, never its port', () => {
    const simulator = simulatorConfigSchema.parse({ seed: 7 });
    const identity = { simulator, fallbackTextSource: '/seeds/a.jsonl' };
    expect(cacheEndpoint('http://127.0.0.1:40001/v1', identity)).toBe(
      cacheEndpoint('http://127.0.0.1:50002/v1', identity),
    );
    // Latency decides when, not what.
    expect(
      cacheEndpoint('http://127.0.0.1:1/v1', { ...identity, simulator: { ...simulator, latencyMs: 50 } }),
    ).toBe(cacheEndpoint('http://127.0.0.1:1/v1', identity));
    expect(
      cacheEndpoint('http://127.0.0.1:1/v1', { ...identity, simulator: { ...simulator, seed: 8 } }),
    ).not.toBe(cacheEndpoint('http://127.0.0.1:1/v1', identity));
    expect(
      cacheEndpoint('http://127.0.0.1:1/v1', {
        ...identity,
        simulator: { ...simulator, faults: { ...simulator.faults, malformed: 0.1 } },
      }),
    ).not.toBe(cacheEndpoint('http://127.0.0.1:1/v1', identity));
  });
});
