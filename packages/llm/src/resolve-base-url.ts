import { ConfigError, type ModelConfig } from '@parley/core';

export const DEFAULT_OPENAI_BASE_URL = 'https://api.openai.com/v1';
export const DEFAULT_ANTHROPIC_BASE_URL = 'https://api.anthropic.com';

/**
 * A binding's base URL, with one precedence: the binding's `baseURL`, then the environment
 * (OPENAI_BASE_URL, ANTHROPIC_BASE_URL; for the simulator the running simulator's URL, then
 * PARLEY_SIMULATOR_URL), then the provider's public API. Undefined for a simulator nobody
 * started yet and for an openai-compatible binding without a URL (the config forbids it).
 */
export function resolveBaseUrl(
  config: Pick<ModelConfig, 'provider' | 'baseURL'>,
  environment: NodeJS.ProcessEnv,
  simulatorUrl?: string,
): string | undefined {
  switch (config.provider) {
    case 'openai':
      return config.baseURL ?? environment.OPENAI_BASE_URL ?? DEFAULT_OPENAI_BASE_URL;
    case 'anthropic':
      return config.baseURL ?? environment.ANTHROPIC_BASE_URL ?? DEFAULT_ANTHROPIC_BASE_URL;
    case 'openai-compatible':
      return config.baseURL;
    case 'simulator': {
      // An empty variable counts as unset (a compose file passes `${PARLEY_SIMULATOR_URL:-}`).
      const url = config.baseURL ?? simulatorUrl ?? (environment.PARLEY_SIMULATOR_URL || undefined);
      // The simulator is ours: its root URL and its /v1 URL both work.
      return url === undefined ? undefined : `${url.replace(/\/+$/, '').replace(/\/v1$/, '')}/v1`;
    }
  }
}

/** What is wrong with a base URL for a provider, or undefined when nothing is. */
export function baseUrlProblem(provider: ModelConfig['provider'], url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `expected a URL such as http://127.0.0.1:8000/v1, got ${JSON.stringify(url)}`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return `expected an http:// or https:// URL, got ${parsed.protocol}`;
  }
  if (parsed.username || parsed.password) {
    return 'must not hold a user or password; give keys through apiKeyEnv or apiKeyFile';
  }
  const pathname = parsed.pathname.replace(/\/+$/, '');
  if (provider === 'anthropic' && pathname.endsWith('/v1')) {
    return 'ends in /v1, but the Anthropic SDK adds /v1/messages itself; drop the /v1';
  }
  if (/\/(chat\/completions|completions|embeddings|moderations|messages)$/.test(pathname)) {
    return 'is an endpoint; give the base URL (for OpenAI-style servers usually ending in /v1)';
  }
  return undefined;
}

/** The base URL or a ConfigError naming the binding. */
export function requireBaseUrl(
  name: string,
  config: Pick<ModelConfig, 'provider' | 'baseURL'>,
  environment: NodeJS.ProcessEnv,
  simulatorUrl?: string,
): string {
  const url = resolveBaseUrl(config, environment, simulatorUrl);
  if (url === undefined) {
    const message =
      config.provider === 'simulator'
        ? 'no simulator URL: start one (parley simulator) and set baseURL or PARLEY_SIMULATOR_URL'
        : `${config.provider} needs a baseURL`;
    throw new ConfigError([{ path: `models.${name}.baseURL`, message }]);
  }
  const problem = baseUrlProblem(config.provider, url);
  if (problem) throw new ConfigError([{ path: `models.${name}.baseURL`, message: problem }]);
  return url;
}
