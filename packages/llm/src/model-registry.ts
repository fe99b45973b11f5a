import { createHash } from 'node:crypto';
import { ConfigError, keyPrefix, type ModelConfig, type RunConfig } from '@parley/core';
import { AnthropicLanguageModel } from './anthropic/anthropic-language-model';
import { createBatchBinding } from './batch/batch-binding';
import { type BatchSettings, resolveBatchSettings } from './batch/batch-settings';
import { createResponseCache } from './create-response-cache';
import type { EmbeddingModel, LanguageModel, ModerationModel } from './language-model';
import { BudgetGuard } from './middleware/budget-guard';
import { cacheEndpoint } from './middleware/cache-endpoint';
import type { CallLogger } from './middleware/call-logger';
import { GuardedEmbeddingModel } from './middleware/guarded-embedding-model';
import { GuardedLanguageModel } from './middleware/guarded-language-model';
import { GuardedModerationModel } from './middleware/guarded-moderation-model';
import { type CallBinding, type CallServices, ModelCallRunner } from './middleware/model-call-runner';
import { RateLimiter, type RateLimiterOptions, type RateLimiterState } from './middleware/rate-limiter';
import type { RedisClient } from './middleware/redis-script';
import { DEFAULT_RETRY_OPTIONS, type RetryOptions } from './middleware/retry';
import { readUsage, type UsageReport } from './middleware/usage-ledger';
import { OpenAIEmbeddingModel } from './openai/openai-embedding-model';
import { OpenAILanguageModel } from './openai/openai-language-model';
import { OpenAIModerationModel } from './openai/openai-moderation-model';
import { resolveApiKey } from './resolve-api-key';
import { requireBaseUrl } from './resolve-base-url';

export interface ModelRegistryOptions {
  /** The validated job file. */
  config: RunConfig;
  /** Shared by every process of the run (limits, budget, usage, cache). */
  redis: RedisClient;
  /** Usage, budget and (by default) every call belong to this run. No `:`. */
  runId: string;
  /** A pino logger (or anything with child/debug/warn); nothing is logged without one. */
  logger?: CallLogger;
  /** Where API keys and base-URL variables are read. @defaultValue process.env */
  environment?: NodeJS.ProcessEnv;
  /** URL of a running simulator (root or /v1), for `provider: simulator` bindings without a baseURL. */
  simulatorUrl?: string;
  /**
   * `simulatorUrl` is a simulator started for this run from the job's `simulator:` block
   * (embedded mode): the response cache keys its answers on those settings, not its port.
   * @defaultValue false
   */
  inProcessSimulator?: boolean;
  /** Hash-tagged key prefix. @defaultValue keyPrefix() (PARLEY_NAMESPACE or `{parley}`) */
  prefix?: string;
  /** Relative `apiKeyFile` paths start here (the job file's folder). @defaultValue process.cwd() */
  baseDirectory?: string;
  /** Limiter tuning; tests shorten `windowMs`. @defaultValue DEFAULT_RATE_LIMITER_OPTIONS */
  limiter?: Partial<RateLimiterOptions>;
  /** Backoff tuning; the number of retries comes from each binding's `maxRetries`. @defaultValue DEFAULT_RETRY_OPTIONS */
  retry?: Partial<Omit<RetryOptions, 'maxRetries'>>;
  /** Output tokens reserved for a call without `maxOutputTokens`, settled afterwards. @defaultValue 1024 */
  defaultOutputReservation?: number;
  /**
   * Send temperature / top_p / top_k to `anthropic` bindings. Current Claude models reject them.
   * @defaultValue 'drop'
   */
  anthropicSamplingParameters?: 'send' | 'drop';
  /** Tuning of `execution: batch` bindings. @defaultValue PARLEY_BATCH_* variables, then DEFAULT_BATCH_SETTINGS */
  batch?: Partial<BatchSettings>;
}

/** Every model of a run, each behind the middleware, created on first use. */
export interface ModelRegistry {
  readonly runId: string;
  readonly prefix: string;
  languageModel(name: string): LanguageModel;
  embeddingModel(name: string): EmbeddingModel;
  moderationModel(name: string): ModerationModel;
  /** The run's usage totals, from every process of the run. */
  usage(): Promise<UsageReport>;
  /** The shared limiter's state of a binding (AIMD factor, pause, in flight). */
  limiterState(name: string): Promise<RateLimiterState>;
}

const RUN_ID = /^[A-Za-z0-9_.-]{1,200}$/;

/**
 * Builds the models of a job: adapters on the official SDKs (openai for `openai`,
 * `openai-compatible` and `simulator`; @anthropic-ai/sdk for `anthropic`), each wrapped in
 * cache → budget → limiter → retries → adapter → accounting. Keys are read lazily, when a model
 * is first asked for; run `checkModels` first to list every missing key at once.
 */
export function createModelRegistry(options: ModelRegistryOptions): ModelRegistry {
  if (!RUN_ID.test(options.runId)) {
    throw new ConfigError([
      {
        path: 'runId',
        message: `expected letters, digits, ., - and _, got ${JSON.stringify(options.runId)}`,
      },
    ]);
  }
  const environment = options.environment ?? process.env;
  const prefix = options.prefix ?? keyPrefix();
  const services: CallServices = {
    redis: options.redis,
    prefix,
    limiter: new RateLimiter(options.redis, prefix, options.limiter),
    budgetGuard: new BudgetGuard(options.redis, prefix),
    budget: options.config.budget,
    runId: options.runId,
    retry: { ...DEFAULT_RETRY_OPTIONS, ...options.retry },
    logger: options.logger,
  };
  // Kept apart from `redis` (the queues'): files, or a Redis of its own (create-response-cache.ts).
  const cache = createResponseCache({
    cache: options.config.cache,
    environment,
    baseDirectory: options.baseDirectory,
  });
  // The run's own simulator answers by its settings, not its port (a new one each run).
  const cacheFor = (config: ModelConfig, baseURL: string) => {
    const inProcess =
      config.provider === 'simulator' &&
      !config.baseURL &&
      options.inProcessSimulator === true &&
      options.simulatorUrl !== undefined;
    return cache?.forEndpoint(
      cacheEndpoint(
        baseURL,
        inProcess
          ? { simulator: options.config.simulator, fallbackTextSource: options.config.seed.path }
          : undefined,
      ),
    );
  };
  const created = new Map<string, LanguageModel | EmbeddingModel | ModerationModel>();

  const bindingOf = (name: string): ModelConfig => {
    const config = options.config.models[name];
    if (!config) {
      throw new ConfigError([
        {
          path: `models.${name}`,
          message: `no model named "${name}" (known: ${Object.keys(options.config.models).join(', ')})`,
        },
      ]);
    }
    return config;
  };

  const connection = (name: string, config: ModelConfig) => {
    const baseURL = requireBaseUrl(name, config, environment, options.simulatorUrl);
    const { apiKey, source } = resolveApiKey(name, config, environment, options.baseDirectory);
    return { baseURL, apiKey, keySource: source };
  };

  const runnerFor = (
    name: string,
    config: ModelConfig,
    modelId: string,
    baseURL: string,
    keySource?: string,
  ) => {
    const binding: CallBinding = {
      name,
      provider: config.provider,
      modelId,
      limiterId: limiterId(config, baseURL, keySource),
      limits: config.limits,
      price: config.price,
      timeoutMs: config.timeoutMs,
      maxRetries: config.maxRetries,
    };
    return new ModelCallRunner(binding, services);
  };

  const memo = <T extends LanguageModel | EmbeddingModel | ModerationModel>(
    key: string,
    make: () => T,
  ): T => {
    const existing = created.get(key);
    if (existing) return existing as T;
    const model = make();
    created.set(key, model);
    return model;
  };

  return {
    runId: options.runId,
    prefix,

    languageModel(name) {
      return memo(`language:${name}`, () => {
        const bound = bindingOf(name);
        const { baseURL, apiKey, keySource } = connection(name, bound);
        // A batch binding's SDK client sends into the model's batch queue (batch/batch-binding.ts).
        const batch =
          bound.execution === 'batch'
            ? createBatchBinding({
                name,
                config: bound,
                baseURL,
                apiKey,
                queueId: limiterId(bound, baseURL, keySource),
                redis: options.redis,
                prefix,
                runId: options.runId,
                settings: resolveBatchSettings(environment, options.batch),
                logger: options.logger,
              })
            : undefined;
        const config = batch?.runnerConfig ?? bound;
        const adapter =
          config.provider === 'anthropic'
            ? new AnthropicLanguageModel({
                model: config.model,
                baseURL,
                apiKey: apiKey!,
                timeoutMs: config.timeoutMs,
                samplingParameters: options.anthropicSamplingParameters,
                logger: options.logger,
                client: batch?.anthropicClient,
              })
            : new OpenAILanguageModel({
                provider: config.provider,
                model: config.model,
                baseURL,
                apiKey,
                timeoutMs: config.timeoutMs,
                logger: options.logger,
                client: batch?.openaiClient,
              });
        return new GuardedLanguageModel({
          adapter,
          // Batch waiters hold no sync slot: their limiter is apart from the model's sync one.
          runner: runnerFor(
            name,
            config,
            adapter.modelId,
            baseURL,
            batch ? `${keySource ?? ''}#batch` : keySource,
          ),
          name,
          model: config.model,
          decoding: config.decoding,
          structuredOutputRetries: config.structuredOutputRetries,
          cache: cacheFor(config, baseURL),
          defaultOutputReservation: options.defaultOutputReservation ?? 1024,
          logger: options.logger,
        });
      });
    },

    embeddingModel(name) {
      return memo(`embedding:${name}`, () => {
        const config = openAIFamily(name, bindingOf(name), 'embeddings');
        const { baseURL, apiKey, keySource } = connection(name, config);
        const adapter = new OpenAIEmbeddingModel({
          provider: config.provider,
          model: config.model,
          baseURL,
          apiKey,
          timeoutMs: config.timeoutMs,
        });
        return new GuardedEmbeddingModel(
          adapter,
          runnerFor(name, config, adapter.modelId, baseURL, keySource),
        );
      });
    },

    moderationModel(name) {
      return memo(`moderation:${name}`, () => {
        const config = openAIFamily(name, bindingOf(name), 'moderation');
        const { baseURL, apiKey, keySource } = connection(name, config);
        const adapter = new OpenAIModerationModel({
          provider: config.provider,
          model: config.model,
          baseURL,
          apiKey,
          timeoutMs: config.timeoutMs,
        });
        return new GuardedModerationModel(
          adapter,
          runnerFor(name, config, adapter.modelId, baseURL, keySource),
        );
      });
    },

    usage() {
      return readUsage(options.redis, prefix, options.runId);
    },

    limiterState(name) {
      const config = bindingOf(name);
      const baseURL = requireBaseUrl(name, config, environment, options.simulatorUrl);
      const { source } = resolveApiKey(name, config, environment, options.baseDirectory);
      return services.limiter.state(limiterId(config, baseURL, source));
    },
  };
}

function openAIFamily(
  name: string,
  config: ModelConfig,
  what: 'embeddings' | 'moderation',
): ModelConfig & { provider: 'openai' | 'openai-compatible' | 'simulator' } {
  if (config.provider === 'anthropic') {
    throw new ConfigError([
      {
        path: `models.${name}.provider`,
        message: `anthropic serves no ${what}; use an openai, openai-compatible or simulator model`,
      },
    ]);
  }
  return config as ModelConfig & { provider: 'openai' | 'openai-compatible' | 'simulator' };
}

/**
 * The shared limiter of a provider model: bindings with the same provider, base URL, model and
 * key source (a provider's limits are per account and model) share one, whatever their names.
 * Readable part plus a hash; never the key itself.
 */
export function limiterId(
  config: Pick<ModelConfig, 'provider' | 'model'>,
  baseURL: string,
  keySource: string | undefined,
): string {
  const hash = createHash('sha256')
    .update(JSON.stringify([config.provider, baseURL, config.model, keySource ?? '']))
    .digest('hex')
    .slice(0, 12);
  return `${limiterIdReadablePart(config)}.${hash}`;
}

/** The part of a limiter (and batch queue) id a person can read: `openai.gpt-4o-mini`. */
export function limiterIdReadablePart(config: Pick<ModelConfig, 'provider' | 'model'>): string {
  return `${config.provider}.${config.model}`.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80);
}
