import type { Decoding, TokenUsage } from '@parley/core';
import type { z } from 'zod';
import { StructuredOutputError } from './errors/structured-output-error';
import type {
  ChatMessage,
  FinishReason,
  LanguageModel,
  ObjectRequest,
  ObjectResult,
  TextRequest,
  TextResult,
} from './language-model';
import { judgeStructuredAnswer } from './structured-output';
import { countPromptTokens, countTextTokens } from './token-count';

/** Per-call transport settings the middleware passes to every adapter call. */
export interface TransportOptions {
  /** Per-call timeout; an expired call throws a retryable LlmCallError (LLM_TIMEOUT). */
  timeoutMs?: number;
  /** 0-based transport attempt of this call, sent as `X-Stainless-Retry-Count` as the SDK would. */
  attempt?: number;
}

/** One request to a vendor, as the middleware hands it to an adapter. */
export interface GenerateCallOptions extends TransportOptions {
  messages: ChatMessage[];
  /** Already merged: the binding's decoding, then the request's. */
  decoding: Decoding;
  /** Ask for JSON matching this schema (the adapter sends it in the vendor's structured-output form). */
  output?: { schema: z.ZodType; name: string };
  signal?: AbortSignal;
}

/** What one vendor call returned. */
export interface GenerateCallResult {
  text: string;
  /** Undefined when the server reported no usage; the middleware then counts tokens itself. */
  usage: TokenUsage | undefined;
  finishReason: FinishReason;
  warnings: string[];
  /**
   * Set when the provider refused (OpenAI `message.refusal`, Anthropic `stop_reason: refusal`),
   * to its explanation ('' when it gave none). A refusal is never an answer, whatever `text` holds.
   */
  refusal?: string;
}

/**
 * A vendor adapter: a `LanguageModel` usable on its own (one attempt, no Redis), plus the
 * single-call `doGenerate` the middleware (cache, budget, limiter, retries, accounting) drives.
 */
export interface LanguageModelAdapter extends LanguageModel {
  /** Where requests go; part of the response-cache key. */
  readonly baseURL: string;
  doGenerate(options: GenerateCallOptions): Promise<GenerateCallResult>;
  /**
   * The output limit this adapter sends for a decoding (`max_tokens`), or undefined when it
   * sends none. Budget and limiter reserve it; a truncated answer is asked again above it.
   */
  outputTokenLimit?(decoding: Decoding): number | undefined;
}

/** The adapter's own `generateText`: one attempt, usage counted locally when the server reports none. */
export async function generateTextOnce(
  adapter: LanguageModelAdapter,
  request: TextRequest,
  defaults: { decoding?: Decoding; timeoutMs?: number } = {},
): Promise<TextResult> {
  const result = await adapter.doGenerate({
    messages: request.messages,
    decoding: { ...defaults.decoding, ...request.decoding },
    signal: request.signal,
    timeoutMs: defaults.timeoutMs,
  });
  return {
    text: result.text,
    usage: result.usage ?? {
      inputTokens: countPromptTokens(request.messages),
      outputTokens: countTextTokens(result.text),
    },
    finishReason: result.finishReason,
    modelId: adapter.modelId,
    cached: false,
    warnings: result.warnings,
  };
}

/**
 * The adapter's own `generateObject`: one attempt, validated with the schema; a bad answer
 * throws `StructuredOutputError` with the raw text. Retries belong to the middleware.
 */
export async function generateObjectOnce<T>(
  adapter: LanguageModelAdapter,
  request: ObjectRequest<T>,
  defaults: { decoding?: Decoding; timeoutMs?: number } = {},
): Promise<ObjectResult<T>> {
  const result = await adapter.doGenerate({
    messages: request.messages,
    decoding: { ...defaults.decoding, ...request.decoding },
    output: { schema: request.schema, name: request.schemaName },
    signal: request.signal,
    timeoutMs: defaults.timeoutMs,
  });
  const usage = result.usage ?? {
    inputTokens: countPromptTokens(request.messages),
    outputTokens: countTextTokens(result.text),
  };
  const decoding = { ...defaults.decoding, ...request.decoding };
  const parsed = judgeStructuredAnswer(result, request.schema, adapter.outputTokenLimit?.(decoding));
  if (!parsed.success) {
    throw new StructuredOutputError({
      modelId: adapter.modelId,
      schemaName: request.schemaName,
      rawOutput: result.text,
      reasons: [parsed.reason],
      attempts: 1,
      usage,
      outcome: parsed.outcome,
    });
  }
  return {
    text: result.text,
    object: parsed.object,
    usage,
    finishReason: result.finishReason,
    modelId: adapter.modelId,
    cached: false,
    warnings: result.warnings,
  };
}
