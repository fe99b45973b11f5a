import { describe, expect, it } from 'vitest';
import {
  isConnectionFailure,
  isQuotaExhausted,
  llmCallErrorFromVendor,
  shortProviderMessage,
} from './vendor-error';

const context = { provider: 'openai', modelId: 'openai:gpt-4o-mini' };

describe('isConnectionFailure', () => {
  it('recognises a reset while the body is read, however fetch wraps it', () => {
    const socket = Object.assign(new Error('other side closed'), {
      name: 'SocketError',
      code: 'UND_ERR_SOCKET',
    });
    expect(isConnectionFailure(new TypeError('terminated', { cause: socket }))).toBe(true);
    expect(isConnectionFailure(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe(
      true,
    );
    expect(isConnectionFailure(new TypeError('fetch failed'))).toBe(true);
  });

  it('leaves bugs alone', () => {
    expect(isConnectionFailure(new TypeError('x is not a function'))).toBe(false);
    expect(isConnectionFailure('terminated')).toBe(false);
  });
});

describe('llmCallErrorFromVendor', () => {
  it('maps OpenAI 429 insufficient_quota to a non-retryable quota error, not a rate limit', () => {
    const error = llmCallErrorFromVendor(
      {
        kind: 'status',
        status: 429,
        type: 'insufficient_quota',
        message: '429 You exceeded your current quota',
      },
      context,
    );
    expect(error).toMatchObject({ code: 'LLM_QUOTA_EXCEEDED', isRetryable: false, status: 429 });
    expect(error.isRateLimited).toBe(false);
    expect(error.reason).toBe(
      'provider-error (429 insufficient_quota): openai:gpt-4o-mini: HTTP 429: You exceeded your current quota',
    );
  });

  it('keeps an ordinary 429 a retryable rate limit', () => {
    const error = llmCallErrorFromVendor(
      { kind: 'status', status: 429, type: 'rate_limit_exceeded', message: 'slow down' },
      context,
    );
    expect(error).toMatchObject({ code: 'LLM_RATE_LIMITED', isRetryable: true });
    expect(error.isRateLimited).toBe(true);
  });

  it('maps a TCP reset (kind connection) to a retryable connection error', () => {
    const error = llmCallErrorFromVendor({ kind: 'connection', message: 'terminated' }, context);
    expect(error).toMatchObject({ code: 'LLM_CONNECTION', isRetryable: true });
  });
});

describe('isQuotaExhausted', () => {
  it('knows both vendors’ shapes', () => {
    expect(isQuotaExhausted(429, 'insufficient_quota', '')).toBe(true);
    expect(isQuotaExhausted(400, 'invalid_request_error', 'Your credit balance is too low to access')).toBe(
      true,
    );
    expect(isQuotaExhausted(402, 'billing_error', 'pay up')).toBe(true);
    expect(isQuotaExhausted(400, 'invalid_request_error', 'max_tokens: too large')).toBe(false);
  });
});

describe('shortProviderMessage', () => {
  it('turns an HTML page into a short excerpt without tags', () => {
    const page = `<!DOCTYPE html><html><head><title>502 Bad Gateway</title><style>p{}</style></head><body><h1>502 Bad Gateway</h1>${'<p>filler</p>'.repeat(500)}</body></html>`;
    const short = shortProviderMessage(page);
    expect(short).toMatch(/^HTML error page \(\d+ chars\): 502 Bad Gateway 502 Bad Gateway filler/);
    expect(short).not.toContain('<');
    expect(short.length).toBeLessThan(260);
  });

  it('caps a long plain message', () => {
    expect(shortProviderMessage('x'.repeat(2_000))).toHaveLength(501);
    expect(shortProviderMessage('plain')).toBe('plain');
  });
});
