import OpenAI from 'openai';

/** A placeholder sent to servers that need no key (vLLM, Ollama, the simulator); the SDK insists on one. */
export const NO_API_KEY = 'parley-no-key';

/**
 * An openai SDK client for Parley: our own retry loop replaces the SDK's (`maxRetries: 0`) so
 * every 429 is counted and fed to the shared limiter, and nothing is read from the environment
 * behind our back (key and base URL are always explicit).
 */
export function createOpenAIClient(options: {
  apiKey: string | undefined;
  baseURL: string;
  timeoutMs?: number;
}) {
  return new OpenAI({
    apiKey: options.apiKey ?? NO_API_KEY,
    baseURL: options.baseURL,
    maxRetries: 0,
    timeout: options.timeoutMs ?? 60_000,
    // The SDK would otherwise read OPENAI_ORG_ID / OPENAI_PROJECT_ID from the environment.
    organization: null,
    project: null,
    logLevel: 'off',
  });
}
