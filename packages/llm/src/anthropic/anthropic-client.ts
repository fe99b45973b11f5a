import Anthropic from '@anthropic-ai/sdk';

/**
 * An @anthropic-ai/sdk client for Parley: `maxRetries: 0` (our loop retries and counts every
 * 429), an explicit key and base URL (the SDK would otherwise read ANTHROPIC_* variables), and
 * an explicit timeout (without one the SDK refuses long non-streaming requests).
 */
export function createAnthropicClient(options: { apiKey: string; baseURL: string; timeoutMs?: number }) {
  return new Anthropic({
    apiKey: options.apiKey,
    baseURL: options.baseURL,
    maxRetries: 0,
    timeout: options.timeoutMs ?? 60_000,
    logLevel: 'off',
  });
}
