import { z } from 'zod';
import {
  fraction,
  nonEmptyString,
  nonNegativeInteger,
  nonNegativeNumber,
  positiveInteger,
} from './config-types';

/**
 * Where a model is served. `openai-compatible` covers vLLM, Ollama, llama.cpp server, LM Studio;
 * `simulator` is the OpenAI-compatible Parley simulator, started in-process by `parley run`
 * unless `baseURL` (or PARLEY_SIMULATOR_URL) points at a running one.
 */
export const providerNameSchema = z.enum(['openai', 'anthropic', 'openai-compatible', 'simulator'], {
  error: 'expected one of openai, anthropic, openai-compatible, simulator',
});
export type ProviderName = z.infer<typeof providerNameSchema>;

/** USD per million tokens, as providers publish them. */
export const modelPriceSchema = z.strictObject({
  inputPerMillionTokens: nonNegativeNumber(),
  outputPerMillionTokens: nonNegativeNumber(),
  /**
   * Input tokens read from the provider's prompt cache (OpenAI `cached_tokens`, Anthropic
   * `cache_read_input_tokens`). @defaultValue inputPerMillionTokens
   */
  cachedInputPerMillionTokens: nonNegativeNumber().optional(),
  /** Input tokens written to Anthropic's prompt cache (`cache_creation_input_tokens`). @defaultValue inputPerMillionTokens */
  cacheWritePerMillionTokens: nonNegativeNumber().optional(),
  /**
   * Share of the list price a Batch API request costs (`execution: batch`): OpenAI and Anthropic
   * bill batches at half price, prompt-cache discounts included.
   * @defaultValue 0.5 for openai and anthropic, 1 for the others (see batchDiscountOf)
   */
  batchDiscount: fraction().optional(),
});
export type ModelPrice = z.infer<typeof modelPriceSchema>;

/** Limits shared by every worker process through Redis. Absent means unlimited. */
export const modelLimitsSchema = z.strictObject({
  requestsPerMinute: positiveInteger().optional(),
  inputTokensPerMinute: positiveInteger().optional(),
  outputTokensPerMinute: positiveInteger().optional(),
  maxConcurrency: positiveInteger().optional(),
});
export type ModelLimits = z.infer<typeof modelLimitsSchema>;

/**
 * How requests reach the provider: `sync` one HTTP call each; `batch` through the provider's
 * Batch API (OpenAI `/v1/batches`, Anthropic Message Batches) at `price.batchDiscount`, answered
 * within the provider's window (24 h) instead of seconds (docs/batch-mode.md).
 */
export const executionModeSchema = z.enum(['sync', 'batch'], { error: 'expected sync or batch' });
export type ExecutionMode = z.infer<typeof executionModeSchema>;

/** Decoding parameters. Unsupported ones become warnings in the adapter, not crashes. */
export const decodingSchema = z.strictObject({
  temperature: z.number({ error: 'expected a number between 0 and 2' }).min(0).max(2).optional(),
  topP: z.number({ error: 'expected a number between 0 and 1' }).min(0).max(1).optional(),
  topK: positiveInteger().optional(),
  maxOutputTokens: positiveInteger().optional(),
  seed: z.number().int().optional(),
});
export type Decoding = z.infer<typeof decodingSchema>;

/** One named model binding in `models:`; roles and experts refer to it by name. */
export const modelConfigSchema = z.strictObject({
  provider: providerNameSchema,
  /** Model id as the provider knows it (`gpt-4o-mini`, `claude-sonnet-4-5`, `llama3.1:8b`). */
  model: nonEmptyString(),
  /** Base URL; required for `openai-compatible`. OpenAI style ends in `/v1`. */
  baseURL: z.url({ error: 'expected a URL such as http://127.0.0.1:8000/v1' }).optional(),
  /** Environment variable holding the API key. @defaultValue OPENAI_API_KEY / ANTHROPIC_API_KEY */
  apiKeyEnv: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/, { error: 'expected an environment variable name such as OPENAI_API_KEY' })
    .optional(),
  /** A file whose first line is the API key (never the key itself: keys do not go in job files). */
  apiKeyFile: nonEmptyString().optional(),
  /** @defaultValue 60000 */
  timeoutMs: positiveInteger().default(60_000),
  /** Transport retries (429, 5xx, timeouts) inside one job attempt. @defaultValue 4 */
  maxRetries: nonNegativeInteger().default(4),
  /** Extra calls when structured output fails to parse or validate. @defaultValue 2 */
  structuredOutputRetries: nonNegativeInteger().default(2),
  price: modelPriceSchema.optional(),
  limits: modelLimitsSchema.default({}),
  decoding: decodingSchema.default({}),
  /** @defaultValue 'sync' */
  execution: executionModeSchema.default('sync'),
});
export type ModelConfig = z.infer<typeof modelConfigSchema>;

/** The share of the list price a batch request of this binding costs (`price.batchDiscount` or its default). */
export function batchDiscountOf(config: Pick<ModelConfig, 'provider' | 'price'>): number {
  if (config.price?.batchDiscount !== undefined) return config.price.batchDiscount;
  return config.provider === 'openai' || config.provider === 'anthropic' ? 0.5 : 1;
}

/** The share of the list price a call of this binding is billed: the batch discount for `execution: batch`. */
export function billedShareOf(config: Pick<ModelConfig, 'provider' | 'price' | 'execution'>): number {
  return config.execution === 'batch' ? batchDiscountOf(config) : 1;
}
