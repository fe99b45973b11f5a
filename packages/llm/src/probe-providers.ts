import type { ConfigProblem, ModelConfig, RunConfig } from '@parley/core';
import { AnthropicLanguageModel } from './anthropic/anthropic-language-model';
import { LlmCallError } from './errors/llm-call-error';
import { MissingApiKeyError } from './errors/missing-api-key-error';
import { OpenAIEmbeddingModel } from './openai/openai-embedding-model';
import { OpenAILanguageModel } from './openai/openai-language-model';
import { OpenAIModerationModel } from './openai/openai-moderation-model';
import { resolveApiKey } from './resolve-api-key';
import { resolveBaseUrl } from './resolve-base-url';
import { redactUrl } from './vendor-error';

export interface ProbeProvidersOptions {
  simulatorUrl?: string;
  /** Per probe; every probe runs at once. @defaultValue 5000 */
  timeoutMs?: number;
  /** Relative `apiKeyFile` paths start here. @defaultValue process.cwd() */
  baseDirectory?: string;
  /** As the registry will send them, so that a refused sampling parameter shows. @defaultValue 'drop' */
  anthropicSamplingParameters?: 'send' | 'drop';
}

/** What a binding is used for, which decides the request that probes it. */
type ProbeKind = 'chat' | 'embedding' | 'moderation';

const PROBE_PROMPT = 'Reply with the single word OK.';

/**
 * Preflight against the real providers: one minimal authenticated request per model binding,
 * with the binding's key and its real decoding parameters (a 1-token completion, or one
 * embedding / moderation of "ping" for bindings used only for those), so a wrong key (401),
 * an unknown model (404), a refused parameter (400), an exhausted account and an unreachable
 * server are reported before anything is enqueued, each naming the binding and the cause.
 * Rate limits and server errors are transient, not configuration: they pass. `simulator`
 * bindings take any key and model, so only their URL is checked (GET /models). Missing keys
 * are `checkModels`' to report; such bindings are skipped here.
 */
export async function probeProviders(
  config: RunConfig,
  environment: NodeJS.ProcessEnv = process.env,
  options: ProbeProvidersOptions = {},
): Promise<ConfigProblem[]> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const kinds = probeKinds(config);
  const simulatorUrls = new Map<string, string[]>();
  const probes: Array<Promise<ConfigProblem[]>> = [];
  for (const [name, model] of Object.entries(config.models)) {
    const url = resolveBaseUrl(model, environment, options.simulatorUrl);
    if (url === undefined) continue; // a simulator the run starts itself
    if (model.provider === 'simulator') {
      simulatorUrls.set(url, [...(simulatorUrls.get(url) ?? []), name]);
      continue;
    }
    let apiKey: string | undefined;
    try {
      apiKey = resolveApiKey(name, model, environment, options.baseDirectory).apiKey;
    } catch (error) {
      if (error instanceof MissingApiKeyError) continue;
      throw error;
    }
    probes.push(
      probeBinding(model, url, apiKey, kinds.get(name) ?? 'chat', timeoutMs, options).then(
        (): ConfigProblem[] => [],
        (error: unknown) => [problemOf(name, model, url, error, timeoutMs)].filter(isProblem),
      ),
    );
  }
  for (const [url, names] of simulatorUrls) {
    probes.push(
      unreachable(url, timeoutMs).then((reason) =>
        reason
          ? names.map((name) => ({
              path: `models.${name}.baseURL`,
              message: `${redactUrl(url)} is unreachable (${reason})`,
            }))
          : [],
      ),
    );
  }
  return (await Promise.all(probes)).flat();
}

/** Sends the probe; throws what the provider answered when it was not a success. */
async function probeBinding(
  model: ModelConfig,
  baseURL: string,
  apiKey: string | undefined,
  kind: ProbeKind,
  timeoutMs: number,
  options: ProbeProvidersOptions,
): Promise<void> {
  const signal = AbortSignal.timeout(timeoutMs + 1_000);
  if (model.provider === 'anthropic') {
    const adapter = new AnthropicLanguageModel({
      model: model.model,
      baseURL,
      apiKey: apiKey ?? '',
      timeoutMs,
      samplingParameters: options.anthropicSamplingParameters,
    });
    await adapter.doGenerate(chatProbe(model, timeoutMs, signal));
    return;
  }
  const provider = model.provider as 'openai' | 'openai-compatible';
  if (kind === 'embedding') {
    const adapter = new OpenAIEmbeddingModel({ provider, model: model.model, baseURL, apiKey, timeoutMs });
    await adapter.embed(['ping'], { signal, timeoutMs });
  } else if (kind === 'moderation') {
    const adapter = new OpenAIModerationModel({ provider, model: model.model, baseURL, apiKey, timeoutMs });
    await adapter.moderate(['ping'], { signal, timeoutMs });
  } else {
    const adapter = new OpenAILanguageModel({ provider, model: model.model, baseURL, apiKey, timeoutMs });
    await adapter.doGenerate(chatProbe(model, timeoutMs, signal));
  }
}

/** A 1-token completion with the binding's own decoding (temperature, top-p, seed...). */
function chatProbe(model: ModelConfig, timeoutMs: number, signal: AbortSignal) {
  return {
    messages: [{ role: 'user' as const, content: PROBE_PROMPT }],
    decoding: { ...model.decoding, maxOutputTokens: 1 },
    timeoutMs,
    signal,
  };
}

/** The configuration problem an error of a probe reveals; undefined for transient ones. */
function problemOf(
  name: string,
  model: ModelConfig,
  url: string,
  error: unknown,
  timeoutMs: number,
): ConfigProblem | undefined {
  const where = redactUrl(url);
  if (!(error instanceof LlmCallError)) {
    return { path: `models.${name}`, message: `the probe request failed: ${String(error)}` };
  }
  const prefix = `${error.modelId}: `;
  const detail = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
  switch (error.code) {
    case 'LLM_AUTHENTICATION':
      return {
        path: `models.${name}.${model.apiKeyFile ? 'apiKeyFile' : 'apiKeyEnv'}`,
        message: `${where} refused the API key (${detail})`,
      };
    case 'LLM_QUOTA_EXCEEDED':
      return { path: `models.${name}`, message: `the account has no quota or credit left (${detail})` };
    case 'LLM_CONNECTION':
      return { path: `models.${name}.baseURL`, message: `${where} is unreachable (${detail})` };
    case 'LLM_TIMEOUT':
      return error.status === undefined
        ? { path: `models.${name}.baseURL`, message: `${where} gave no answer within ${timeoutMs} ms` }
        : undefined;
    case 'LLM_INVALID_RESPONSE':
      return { path: `models.${name}.baseURL`, message: detail };
    case 'LLM_BAD_REQUEST':
      if (error.status === 404) {
        return {
          path: `models.${name}.model`,
          message: `${where} does not serve model "${model.model}" to this key, or the base URL is wrong (${detail})`,
        };
      }
      return {
        path: `models.${name}.decoding`,
        message: `${where} refused a minimal request with this binding's parameters (${detail})`,
      };
    case 'LLM_ABORTED':
      return { path: `models.${name}.baseURL`, message: `${where} gave no answer within ${timeoutMs} ms` };
    default:
      // 429 and 5xx are transient: the provider is there and knows the key.
      return error.isRetryable ? undefined : { path: `models.${name}`, message: detail };
  }
}

function isProblem(problem: ConfigProblem | undefined): problem is ConfigProblem {
  return problem !== undefined;
}

/**
 * What each binding is probed with: a chat completion if any role chats with it (or none
 * names it), else an embedding or a moderation request.
 */
function probeKinds(config: RunConfig): Map<string, ProbeKind> {
  const moderation = config.critic.toxicity === 'moderation';
  const moderationModel = config.critic.models.toxicity ?? config.critic.model;
  const chat = new Set<string>(
    [
      config.generator.model,
      // The default of every LLM expert without an override.
      config.critic.model,
      config.personas.model,
      config.personas.profiles?.consistencyModel,
      config.evaluation?.judge,
      ...Object.entries(config.critic.models)
        .filter(([expert]) => !(moderation && expert === 'toxicity'))
        .map(([, model]) => model),
    ].filter((value): value is string => typeof value === 'string'),
  );
  const kinds = new Map<string, ProbeKind>();
  for (const name of Object.keys(config.models)) {
    if (chat.has(name)) kinds.set(name, 'chat');
    else if (config.personas.embedding === name) kinds.set(name, 'embedding');
    else if (moderation && moderationModel === name) kinds.set(name, 'moderation');
    else kinds.set(name, 'chat');
  }
  return kinds;
}

async function unreachable(baseUrl: string, timeoutMs: number): Promise<string | undefined> {
  try {
    const response = await fetch(`${baseUrl.replace(/\/+$/, '')}/models`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel();
    return undefined;
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    if ((error as Error).name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
    return cause?.code ?? (error as Error).message;
  }
}
