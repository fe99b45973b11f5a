import type { Decoding, TokenUsage } from '@parley/core';
import type OpenAI from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { withCallDeadline } from '../call-deadline';
import { announceDeprecation, deprecationHeaderNotice } from '../deprecation-notices';
import { LlmCallError } from '../errors/llm-call-error';
import type { ObjectRequest, ObjectResult, TextRequest, TextResult } from '../language-model';
import {
  type GenerateCallOptions,
  type GenerateCallResult,
  generateObjectOnce,
  generateTextOnce,
  type LanguageModelAdapter,
} from '../language-model-adapter';
import type { CallLogger } from '../middleware/call-logger';
import { cachePerSchema } from '../per-schema-cache';
import { deadlineError, describeResponseIssues, invalidResponseError } from '../vendor-error';
import { convertToOpenAIMessages } from './convert-to-openai-messages';
import { mapOpenAIFinishReason } from './map-openai-finish-reason';
import { createOpenAIClient } from './openai-client';
import { mapOpenAIError } from './openai-error';
import { openAIChatResponseSchema } from './openai-response-schemas';
import { promptCacheKey } from './prompt-cache-key';

export interface OpenAILanguageModelSettings {
  /**
   * `openai` speaks to OpenAI itself; `openai-compatible` and `simulator` to any server with the
   * same API (vLLM, Ollama, llama.cpp server, LM Studio, the Parley simulator).
   * @defaultValue 'openai'
   */
  provider?: 'openai' | 'openai-compatible' | 'simulator';
  /** Model id as the server knows it. */
  model: string;
  /** Ends in `/v1` for most servers. @defaultValue 'https://api.openai.com/v1' */
  baseURL?: string;
  /** Optional for `openai-compatible` and `simulator`. */
  apiKey?: string;
  /** Binding defaults; a request's own decoding wins. @defaultValue {} */
  decoding?: Decoding;
  /** @defaultValue 60000 */
  timeoutMs?: number;
  /** A ready client (tests); otherwise one is made from the settings above. */
  client?: OpenAI;
  /** Where a model's deprecation notice goes (once per model). */
  logger?: CallLogger;
}

/**
 * Chat Completions through the official openai SDK. Structured output uses `response_format`
 * with a JSON schema built by `zodResponseFormat`; the answer is validated with the zod schema
 * here, not by the SDK, so that a failure keeps the raw text and the token usage.
 */
export class OpenAILanguageModel implements LanguageModelAdapter {
  readonly provider: 'openai' | 'openai-compatible' | 'simulator';
  readonly modelId: string;
  readonly baseURL: string;
  private readonly model: string;
  private readonly client: OpenAI;
  private readonly decoding: Decoding;
  private readonly timeoutMs: number;
  private readonly logger: CallLogger | undefined;

  constructor(settings: OpenAILanguageModelSettings) {
    this.provider = settings.provider ?? 'openai';
    this.model = settings.model;
    this.modelId = `${this.provider}:${settings.model}`;
    this.baseURL = settings.baseURL ?? 'https://api.openai.com/v1';
    this.decoding = settings.decoding ?? {};
    this.timeoutMs = settings.timeoutMs ?? 60_000;
    this.logger = settings.logger;
    this.client =
      settings.client ??
      createOpenAIClient({ apiKey: settings.apiKey, baseURL: this.baseURL, timeoutMs: this.timeoutMs });
  }

  outputTokenLimit(decoding: Decoding): number | undefined {
    return decoding.maxOutputTokens;
  }

  generateText(request: TextRequest): Promise<TextResult> {
    return generateTextOnce(this, request, { decoding: this.decoding, timeoutMs: this.timeoutMs });
  }

  generateObject<T>(request: ObjectRequest<T>): Promise<ObjectResult<T>> {
    return generateObjectOnce(this, request, { decoding: this.decoding, timeoutMs: this.timeoutMs });
  }

  async doGenerate(options: GenerateCallOptions): Promise<GenerateCallResult> {
    const { body, warnings } = this.requestBody(options);
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    let response: unknown;
    try {
      const outcome = await withCallDeadline(timeoutMs, options.signal, (signal) =>
        this.client.chat.completions
          .create(body, {
            signal,
            timeout: timeoutMs,
            maxRetries: 0,
            headers: { 'X-Stainless-Retry-Count': String(options.attempt ?? 0) },
          })
          .withResponse(),
      );
      if ('expired' in outcome) throw deadlineError(this, timeoutMs, outcome.cause);
      response = outcome.value.data;
      const notice = deprecationHeaderNotice(outcome.value.response.headers);
      if (notice) announceDeprecation(this.logger, this.modelId, notice, 'header');
    } catch (error) {
      throw this.error(error, options.signal);
    }
    const parsed = openAIChatResponseSchema.safeParse(response);
    if (!parsed.success) {
      throw invalidResponseError(this, describeResponseIssues(parsed.error));
    }
    const choice = parsed.data.choices[0]!;
    // Some compatible servers send `refusal: ""` on every answer; only a text is a refusal.
    const refusal = choice.message.refusal || undefined;
    return {
      text: choice.message.content ?? '',
      usage: usageOf(parsed.data.usage),
      finishReason:
        refusal !== undefined
          ? { unified: 'content-filter', raw: choice.finish_reason ?? 'refusal' }
          : mapOpenAIFinishReason(choice.finish_reason),
      warnings,
      ...(refusal !== undefined && { refusal }),
    };
  }

  /** The outgoing body; exposed for request snapshots in tests. */
  requestBody(options: GenerateCallOptions): {
    body: ChatCompletionCreateParamsNonStreaming;
    warnings: string[];
  } {
    const decoding = options.decoding;
    const warnings: string[] = [];
    const compatible = this.provider !== 'openai';
    const body: ChatCompletionCreateParamsNonStreaming & { top_k?: number } = {
      model: this.model,
      messages: convertToOpenAIMessages(options.messages),
    };
    if (decoding.temperature !== undefined) body.temperature = decoding.temperature;
    if (decoding.topP !== undefined) body.top_p = decoding.topP;
    if (decoding.seed !== undefined) body.seed = decoding.seed;
    if (decoding.maxOutputTokens !== undefined) {
      // OpenAI deprecated max_tokens (reasoning models reject it); compatible servers know max_tokens best.
      if (compatible) body.max_tokens = decoding.maxOutputTokens;
      else body.max_completion_tokens = decoding.maxOutputTokens;
    }
    if (decoding.topK !== undefined) {
      // vLLM, llama.cpp and the simulator accept top_k as an extra body field; OpenAI has none.
      if (compatible) body.top_k = decoding.topK;
      else warnings.push(`topK (${decoding.topK}) is not supported by OpenAI and was not sent`);
    }
    if (options.output) {
      body.response_format = responseFormatOf(options.output.schema, options.output.name);
    }
    // Generic OpenAI-compatible servers may reject unknown fields; OpenAI and the simulator know it.
    const cacheKey =
      this.provider === 'openai-compatible' ? undefined : promptCacheKey(this.model, options.messages);
    if (cacheKey !== undefined) body.prompt_cache_key = cacheKey;
    return { body, warnings };
  }

  private error(error: unknown, signal: AbortSignal | undefined): LlmCallError {
    if (error instanceof LlmCallError) return error;
    return mapOpenAIError(error, { provider: this.provider, modelId: this.modelId, signal });
  }
}

/** Chat Completions usage; `prompt_tokens` already includes the cached part. */
function usageOf(
  usage:
    | {
        prompt_tokens: number;
        completion_tokens?: number | undefined;
        prompt_tokens_details?: { cached_tokens?: number | null; cache_write_tokens?: number | null } | null;
      }
    | null
    | undefined,
): TokenUsage | undefined {
  if (!usage || usage.completion_tokens === undefined) return undefined;
  const result: TokenUsage = { inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens };
  const read = usage.prompt_tokens_details?.cached_tokens ?? 0;
  const written = usage.prompt_tokens_details?.cache_write_tokens ?? 0;
  if (read > 0) result.cacheReadInputTokens = Math.min(read, usage.prompt_tokens);
  if (written > 0) result.cacheWriteInputTokens = Math.min(written, usage.prompt_tokens - read);
  return result;
}

const responseFormatOf = cachePerSchema((schema, name) => zodResponseFormat(schema, name));
