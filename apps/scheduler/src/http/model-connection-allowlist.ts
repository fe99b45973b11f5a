import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  ConfigError,
  type ConfigProblem,
  type ModelConfig,
  parseYamlWithSchema,
  providerNameSchema,
  type RunConfig,
} from '@parley/core';
import { DEFAULT_API_KEY_ENV } from '@parley/llm';
import { z } from 'zod';
import { publicUrl } from '../release/public-config';

/**
 * Where a model binding sends requests and which key it sends with them. A job posted to the
 * run API chooses its models, prompts and prices, but never its connection: a worker would
 * send its own API key, as a bearer token, to whatever base URL the job names.
 */
export interface ModelConnection {
  provider: ModelConfig['provider'];
  /** Undefined: the provider's endpoint as the workers' own environment gives it. */
  baseURL?: string;
  /** Undefined: the provider's default variable (OPENAI_API_KEY, ANTHROPIC_API_KEY, none). */
  apiKeyEnv?: string;
  /** Absolute path of a key file on the workers' machines. */
  apiKeyFile?: string;
}

/**
 * Allowed when the operator names no allow-list: each hosted provider at the endpoint the
 * workers' environment gives it (OPENAI_BASE_URL, ANTHROPIC_BASE_URL, else the public API)
 * with its default key variable, and the simulator the server itself points at.
 */
export const DEFAULT_MODEL_CONNECTIONS: readonly ModelConnection[] = [
  { provider: 'openai' },
  { provider: 'anthropic' },
  { provider: 'simulator' },
];

const connectionSchema = z.strictObject({
  provider: providerNameSchema,
  baseURL: z.url({ error: 'expected a URL such as http://127.0.0.1:8000/v1' }).optional(),
  apiKeyEnv: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/, { error: 'expected an environment variable name such as OPENAI_API_KEY' })
    .optional(),
  apiKeyFile: z.string().min(1).optional(),
});

const allowlistFileSchema = z.strictObject({
  connections: z.array(connectionSchema).min(1, { error: 'list at least one connection' }),
});

/**
 * Reads the operator's allow-list (`--model-allowlist FILE`, YAML or JSON):
 *
 * ```yaml
 * connections:
 *   - provider: openai                       # the workers' OpenAI endpoint, OPENAI_API_KEY
 *   - provider: openai-compatible
 *     baseURL: http://gpu-1.internal:8000/v1
 *   - provider: anthropic
 *     apiKeyEnv: ANTHROPIC_API_KEY_TEAM_B
 * ```
 *
 * Key files are relative to the allow-list file. The list replaces the defaults.
 */
export async function loadModelAllowlist(file: string): Promise<ModelConnection[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(
      [{ path: '', message: `cannot read the model allow-list (${(error as NodeJS.ErrnoException).code})` }],
      file,
    );
  }
  const parsed = parseYamlWithSchema(text, allowlistFileSchema, file);
  const base = path.dirname(path.resolve(file));
  return parsed.connections.map((connection) => ({
    ...connection,
    ...(connection.apiKeyFile ? { apiKeyFile: path.resolve(base, connection.apiKeyFile) } : {}),
  }));
}

/** One spelling per connection, so equal connections compare equal as strings. */
function connectionKey(connection: ModelConnection): string {
  const keySource = connection.apiKeyFile
    ? `file:${path.resolve(connection.apiKeyFile)}`
    : `env:${connection.apiKeyEnv ?? DEFAULT_API_KEY_ENV[connection.provider] ?? ''}`;
  return JSON.stringify([connection.provider, normaliseUrl(connection.baseURL), keySource]);
}

function normaliseUrl(url: string | undefined): string {
  if (url === undefined) return '';
  try {
    return new URL(url).toString().replace(/\/+$/, '');
  } catch {
    return url;
  }
}

function describeConnection(connection: ModelConnection): string {
  const parts: string[] = [connection.provider];
  if (connection.baseURL) parts.push(`at ${publicUrl(connection.baseURL)}`);
  if (connection.apiKeyFile) parts.push(`with key file ${path.basename(connection.apiKeyFile)}`);
  else if (connection.apiKeyEnv) parts.push(`with ${connection.apiKeyEnv}`);
  return parts.join(' ');
}

/**
 * Every model binding of a posted job whose connection (provider, base URL, key source) is not
 * on the allow-list, as a problem at the field that makes the difference. Paths in the config
 * are absolute already (resolveJobPaths).
 */
export function modelConnectionProblems(
  config: RunConfig,
  allowed: readonly ModelConnection[],
  lineOf: (path: PropertyKey[]) => number | undefined = () => undefined,
): ConfigProblem[] {
  const allowedKeys = new Set(allowed.map(connectionKey));
  const problems: ConfigProblem[] = [];
  for (const [name, model] of Object.entries(config.models)) {
    const connection: ModelConnection = {
      provider: model.provider,
      baseURL: model.baseURL,
      apiKeyEnv: model.apiKeyEnv,
      apiKeyFile: model.apiKeyFile,
    };
    if (allowedKeys.has(connectionKey(connection))) continue;
    const field = model.baseURL
      ? 'baseURL'
      : model.apiKeyFile
        ? 'apiKeyFile'
        : model.apiKeyEnv
          ? 'apiKeyEnv'
          : 'provider';
    problems.push({
      path: `models.${name}.${field}`,
      line: lineOf(['models', name, field]),
      message:
        `a job posted to the run API cannot choose where a model is served or which key it sends ` +
        `(${describeConnection(connection)} is not allowed). Allowed: ` +
        `${allowed.map(describeConnection).join('; ')}. The operator allows more with --model-allowlist`,
    });
  }
  return problems;
}
