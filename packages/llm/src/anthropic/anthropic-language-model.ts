import type Anthropic from '@anthropic-ai/sdk';
import { zodOutputFormat } from '@anthropic-ai/sdk/helpers/zod';
import type { MessageCreateParamsNonStreaming } from '@anthropic-ai/sdk/resources/messages';
import type { Decoding, TokenUsage } from '@parley/core';
import { withCallDeadline } from '../call-deadline';
import { announceDeprecation, captureConsoleWarnings, deprecationHeaderNotice } from '../deprecation-notices';
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
import { createAnthropicClient } from './anthropic-client';
import { mapAnthropicError } from './anthropic-error';
import { anthropicMessageResponseSchema } from './anthropic-response-schemas';
import { convertToAnthropicMessages } from './convert-to-anthropic-messages';
import { mapAnthropicFinishReason } from './map-anthropic-finish-reason';

/** Anthropic requires `max_tokens`; this is sent when the decoding sets no `maxOutputTokens`. */
export const ANTHROPIC_DEFAULT_MAX_OUTPUT_TOKENS = 4096;

export interface AnthropicLanguageModelSettings {
  /** Model id (`claude-sonnet-4-5`). */
  model: string;
  /** Without `/v1`: the SDK appends `/v1/messages`. @defaultValue 'https://api.anthropic.com' */
  baseURL?: string;
  apiKey: string;
  /** Binding defaults; a request's own decoding wins. @defaultValue {} */
  decoding?: Decoding;
  /** @defaultValue 60000 */
  timeoutMs?: number;
  /**
   * Whether temperature, top_p and top_k are sent (as extra body fields). `drop` suits current
   * Claude models, which reject them; `send` suits older models and compatible servers.
   * @defaultValue 'drop'
   */
  samplingParameters?: 'send' | 'drop';
  /** A ready client (tests); otherwise one is made from the settings above. */
  client?: Anthropic;
  /** Where a model's deprecation notice goes (once per model) instead of the SDK's console lines. */
  logger?: CallLogger;
}

/**
 * The Messages API through the official @anthropic-ai/sdk.
 *
 * Structured output uses Anthropic's structured outputs (`output_config.format`, a JSON schema
 * made by `zodOutputFormat`) rather than a forced tool: the model is constrained to the schema
 * and answers in an ordinary text block, exactly like OpenAI's `response_format`. The request
 * goes through `messages.create`, not `messages.parse`: `parse` throws on an invalid answer and
 * loses both the raw text (which StructuredOutputError must keep) and the usage (which must be
 * paid for); the zod schema validates the text here instead.
 */
export class AnthropicLanguageModel implements LanguageModelAdapter {
  readonly provider = 'anthropic';
  readonly modelId: string;
  readonly baseURL: string;
  private readonly model: string;
  private readonly client: Anthropic;
  private readonly decoding: Decoding;
  private readonly timeoutMs: number;
  private readonly samplingParameters: 'send' | 'drop';
  private readonly logger: CallLogger | undefined;

  constructor(settings: AnthropicLanguageModelSettings) {
    this.samplingParameters = settings.samplingParameters ?? 'drop';
    this.logger = settings.logger;
    this.model = settings.model;
    this.modelId = `anthropic:${settings.model}`;
    this.baseURL = settings.baseURL ?? 'https://api.anthropic.com';
    this.decoding = settings.decoding ?? {};
    this.timeoutMs = settings.timeoutMs ?? 60_000;
    this.client =
      settings.client ??
      createAnthropicClient({ apiKey: settings.apiKey, baseURL: this.baseURL, timeoutMs: this.timeoutMs });
  }

  outputTokenLimit(decoding: Decoding): number {
    return decoding.maxOutputTokens ?? ANTHROPIC_DEFAULT_MAX_OUTPUT_TOKENS;
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
      const outcome = await withCallDeadline(timeoutMs, options.signal, (signal) => {
        // The SDK prints a deprecation notice with console.warn on every call of a deprecated
        // model; it is captured here and logged once per model instead.
        const started = captureConsoleWarnings(() =>
          this.client.messages.create(body, {
            signal,
            timeout: timeoutMs,
            maxRetries: 0,
            headers: { 'X-Stainless-Retry-Count': String(options.attempt ?? 0) },
          }),
        );
        for (const line of started.warnings) {
          announceDeprecation(this.logger, this.modelId, line.replace(/\s+/g, ' ').trim(), 'sdk');
        }
        return started.value.withResponse();
      });
      if ('expired' in outcome) throw deadlineError(this, timeoutMs, outcome.cause);
      response = outcome.value.data;
      const notice = deprecationHeaderNotice(outcome.value.response.headers);
      if (notice) announceDeprecation(this.logger, this.modelId, notice, 'header');
    } catch (error) {
      if (error instanceof LlmCallError) throw error;
      throw mapAnthropicError(error, {
        provider: this.provider,
        modelId: this.modelId,
        signal: options.signal,
      });
    }
    const parsed = anthropicMessageResponseSchema.safeParse(response);
    if (!parsed.success) throw invalidResponseError(this, describeResponseIssues(parsed.error));
    const text = parsed.data.content
      .filter((block) => block.type === 'text')
      .map((block) => block.text ?? '')
      .join('');
    // A refusal may come with no content at all; its explanation is in stop_details.
    const refused = parsed.data.stop_reason === 'refusal';
    return {
      text,
      usage: usageOf(parsed.data.usage),
      finishReason: mapAnthropicFinishReason(parsed.data.stop_reason),
      warnings,
      ...(refused && { refusal: parsed.data.stop_details?.explanation ?? '' }),
    };
  }

  /** The outgoing body; exposed for request snapshots in tests. */
  requestBody(options: GenerateCallOptions): { body: MessageCreateParamsNonStreaming; warnings: string[] } {
    const decoding = options.decoding;
    const warnings: string[] = [];
    const converted = convertToAnthropicMessages(options.messages);
    if (converted.messages.length === 0) {
      throw new LlmCallError('a request needs at least one user or assistant message', {
        provider: this.provider,
        modelId: this.modelId,
        code: 'LLM_BAD_REQUEST',
        isRetryable: false,
      });
    }
    const body: MessageCreateParamsNonStreaming = {
      model: this.model,
      max_tokens: decoding.maxOutputTokens ?? ANTHROPIC_DEFAULT_MAX_OUTPUT_TOKENS,
      messages: converted.messages,
    };
    if (converted.system !== undefined) body.system = converted.system;
    const sampling = this.samplingBody(decoding, warnings);
    if (sampling) Object.assign(body, sampling);
    if (decoding.seed !== undefined) {
      // Anthropic takes no seed, and current models no temperature either: K candidates of one
      // pair would be byte-identical requests. The seed becomes a line the model can see instead.
      appendVariation(body, decoding.seed);
      warnings.push(
        `seed (${decoding.seed}) is not supported by Anthropic; sent as a "${variationLine(decoding.seed)}" line at the end of the last user message`,
      );
    }
    if (options.output) {
      const format = outputFormatOf(options.output.schema);
      // Only the wire fields: the helper's `parse` function stays out of the request.
      body.output_config = { format: { type: 'json_schema', schema: format.schema } };
    }
    return { body, warnings };
  }

  /**
   * temperature, top_p and top_k are gone from the SDK's request types (1.x) and current Claude
   * models reject non-default sampling with HTTP 400, so they are dropped with a warning unless
   * the binding opts in (older models, Anthropic-compatible servers).
   */
  private samplingBody(
    decoding: Decoding,
    warnings: string[],
  ): { temperature?: number; top_p?: number; top_k?: number } | undefined {
    const given = (['temperature', 'topP', 'topK'] as const).filter((name) => decoding[name] !== undefined);
    if (given.length === 0) return undefined;
    if (this.samplingParameters === 'drop') {
      warnings.push(
        `${given.map((name) => `${name} (${decoding[name]})`).join(', ')} not sent: current Anthropic models take no sampling parameters`,
      );
      return undefined;
    }
    const sampling: { temperature?: number; top_p?: number; top_k?: number } = {};
    if (decoding.temperature !== undefined) {
      if (decoding.temperature > 1) {
        warnings.push(`temperature ${decoding.temperature} is above Anthropic's maximum of 1; 1 was sent`);
      }
      sampling.temperature = Math.min(decoding.temperature, 1);
    }
    if (decoding.topP !== undefined) {
      // Claude models that take sampling parameters reject temperature and top_p together.
      if (decoding.temperature !== undefined) {
        warnings.push(`topP (${decoding.topP}) not sent: Anthropic takes temperature or top_p, not both`);
      } else {
        sampling.top_p = decoding.topP;
      }
    }
    if (decoding.topK !== undefined) sampling.top_k = decoding.topK;
    return sampling;
  }
}

const outputFormatOf = cachePerSchema((schema) => zodOutputFormat(schema));

/** The line that makes requests differing only by seed differ on the wire. */
export function variationLine(seed: number): string {
  return `(variation ${seed})`;
}

/** Appends the variation line to the last user message (after the prompt, so a cached prefix stays intact). */
function appendVariation(body: MessageCreateParamsNonStreaming, seed: number): void {
  for (let index = body.messages.length - 1; index >= 0; index--) {
    const message = body.messages[index]!;
    if (message.role !== 'user') continue;
    const line = `\n\n${variationLine(seed)}`;
    if (typeof message.content === 'string') {
      body.messages[index] = { ...message, content: `${message.content}${line}` };
      return;
    }
    // Blocks (a cache breakpoint inside): a block of its own, so the cached block stays byte-identical.
    body.messages[index] = { ...message, content: [...message.content, { type: 'text', text: line }] };
    return;
  }
}

/** Messages API usage: `input_tokens` excludes prompt-cache reads and writes, though all of them were sent. */
function usageOf(
  usage:
    | {
        input_tokens: number;
        output_tokens: number;
        cache_creation_input_tokens?: number | null;
        cache_read_input_tokens?: number | null;
      }
    | null
    | undefined,
): TokenUsage | undefined {
  if (!usage) return undefined;
  const read = usage.cache_read_input_tokens ?? 0;
  const written = usage.cache_creation_input_tokens ?? 0;
  const result: TokenUsage = {
    inputTokens: usage.input_tokens + read + written,
    outputTokens: usage.output_tokens,
  };
  if (read > 0) result.cacheReadInputTokens = read;
  if (written > 0) result.cacheWriteInputTokens = written;
  return result;
}
