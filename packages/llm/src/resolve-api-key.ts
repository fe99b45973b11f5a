import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type ModelConfig, type ProviderName, registerSecret } from '@parley/core';
import { MissingApiKeyError } from './errors/missing-api-key-error';

/** Where each provider's key is looked for when the binding names no `apiKeyEnv`. */
export const DEFAULT_API_KEY_ENV: Record<ProviderName, string | undefined> = {
  openai: 'OPENAI_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
  // Local servers (vLLM, Ollama, llama.cpp, the simulator) usually take no key.
  'openai-compatible': undefined,
  simulator: undefined,
};

export interface ResolvedApiKey {
  /** Undefined when the provider needs none and none was given. */
  apiKey: string | undefined;
  /** `environment variable OPENAI_API_KEY` or `key file ./secrets/openai`; never the value. */
  source: string | undefined;
}

/**
 * A binding's API key: from `apiKeyFile` (its first line) when set, else from the environment
 * variable `apiKeyEnv` or the provider's default. The key is registered as a secret, so logs
 * scrub it wherever it turns up. Throws MissingApiKeyError when a needed key is absent.
 */
export function resolveApiKey(
  name: string,
  config: Pick<ModelConfig, 'provider' | 'apiKeyEnv' | 'apiKeyFile'>,
  environment: NodeJS.ProcessEnv,
  baseDirectory = process.cwd(),
): ResolvedApiKey {
  if (config.apiKeyFile) {
    const file = path.resolve(baseDirectory, config.apiKeyFile);
    const source = `key file ${config.apiKeyFile}`;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new MissingApiKeyError(
        name,
        source,
        `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
    const apiKey = text.split(/\r?\n/)[0]?.trim();
    if (!apiKey) throw new MissingApiKeyError(name, source, 'is empty');
    registerSecret(apiKey);
    return { apiKey, source };
  }
  const variable = config.apiKeyEnv ?? DEFAULT_API_KEY_ENV[config.provider];
  if (!variable) return { apiKey: undefined, source: undefined };
  const source = `environment variable ${variable}`;
  const apiKey = environment[variable]?.trim();
  if (apiKey) {
    registerSecret(apiKey);
    return { apiKey, source };
  }
  // A key is optional for local servers, unless the binding names a variable on purpose.
  const required = DEFAULT_API_KEY_ENV[config.provider] !== undefined || config.apiKeyEnv !== undefined;
  if (required) throw new MissingApiKeyError(name, source);
  return { apiKey: undefined, source: undefined };
}
