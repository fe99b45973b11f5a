import { registerSecret } from '@parley/core';
import { describe, expect, it } from 'vitest';
import { REDACTED, redactSecrets, redactText } from './redact-secrets';

describe('redactSecrets', () => {
  it('blanks secret-named keys at any depth and keeps counters and key locations', () => {
    const value = {
      apiKey: 'sk-live-123456',
      nested: { deeper: { password: 'hunter22', 'x-api-key': 'abc', authToken: 't', client_secret: 's' } },
      headers: { authorization: 'Bearer abc' },
      usage: { inputTokens: 12, outputTokens: 3 },
      apiKeyEnv: 'OPENAI_API_KEY',
      apiKeyFile: '/run/secrets/openai',
      maxTokens: 100,
    };
    expect(redactSecrets(value)).toEqual({
      apiKey: REDACTED,
      nested: {
        deeper: { password: REDACTED, 'x-api-key': REDACTED, authToken: REDACTED, client_secret: REDACTED },
      },
      headers: { authorization: REDACTED },
      usage: { inputTokens: 12, outputTokens: 3 },
      apiKeyEnv: 'OPENAI_API_KEY',
      apiKeyFile: '/run/secrets/openai',
      maxTokens: 100,
    });
    expect(value.apiKey).toBe('sk-live-123456'); // a copy, not the original
  });

  it('scrubs credentials out of text: URL user info, key query parameters, bearer tokens, known values', () => {
    registerSecret('registered-secret-value-42');
    expect(redactText('redis://:s3cret@redis:6379/0')).toBe(`redis://${REDACTED}@redis:6379/0`);
    expect(redactText('see http://user:pw@example.com/v1?api_key=abc123&x=1')).toBe(
      `see http://${REDACTED}@example.com/v1?api_key=${REDACTED}&x=1`,
    );
    expect(redactText('Authorization: Bearer abcdefghijklmnop')).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(redactText('failed with registered-secret-value-42 inside')).toBe('failed with [REDACTED] inside');
    expect(redactText('dashboard-token-xyz leaked', ['dashboard-token-xyz'])).toBe(`${REDACTED} leaked`);
    expect(redactText('plain text stays')).toBe('plain text stays');
  });

  it('trims long strings, long arrays and deep nesting when asked to', () => {
    const trimmed = redactSecrets(
      {
        text: 'x'.repeat(1_000),
        list: Array.from({ length: 30 }, (_, index) => index),
        deep: { a: { b: { c: 1 } } },
      },
      { maxStringLength: 10, maxArrayItems: 5, maxDepth: 3 },
    );
    expect(trimmed.text).toBe('xxxxxxxxxx… [990 more characters]');
    expect(trimmed.list).toEqual([0, 1, 2, 3, 4, '[… 25 more items]']);
    expect(trimmed.deep).toEqual({ a: { b: '[… nested too deep]' } });
  });
});
