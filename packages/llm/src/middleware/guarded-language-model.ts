import type { Decoding, TokenUsage } from '@parley/core';
import { addUsage, ZERO_USAGE } from '@parley/core';
import { z } from 'zod';
import { StructuredOutputError } from '../errors/structured-output-error';
import type {
  ChatMessage,
  LanguageModel,
  ObjectRequest,
  ObjectResult,
  TextRequest,
  TextResult,
} from '../language-model';
import type { GenerateCallResult, LanguageModelAdapter } from '../language-model-adapter';
import { cachePerSchema } from '../per-schema-cache';
import {
  judgeStructuredAnswer,
  parseStructuredOutput,
  repairMessages,
  type StructuredOutcome,
} from '../structured-output';
import { countPromptTokens, countTextTokens } from '../token-count';
import type { CallLogger } from './call-logger';
import type { ModelCallRunner } from './model-call-runner';
import type { CachedAnswer, CacheKeyParts, ResponseCache } from './response-cache';
import { UNSPECIFIED_STAGE } from './usage-ledger';

export interface GuardedLanguageModelSettings {
  adapter: LanguageModelAdapter;
  runner: ModelCallRunner;
  /** Binding name from `models:`. */
  name: string;
  /** Model id as the provider knows it (part of the cache key). */
  model: string;
  /** The binding's decoding; a request's own decoding wins field by field. */
  decoding: Decoding;
  /** Extra calls after a structured answer is rejected. */
  structuredOutputRetries: number;
  /** Absent: caching off for this job. */
  cache?: ResponseCache;
  /**
   * Output tokens reserved (limiter and budget) for a call that sets no `maxOutputTokens`,
   * settled to the real count afterwards.
   */
  defaultOutputReservation: number;
  logger?: CallLogger;
}

/**
 * A `LanguageModel` with the whole middleware around a vendor adapter:
 * cache → (per structured attempt: budget → limiter → retries → adapter → accounting).
 */
export class GuardedLanguageModel implements LanguageModel {
  readonly provider: string;
  readonly modelId: string;

  constructor(private readonly settings: GuardedLanguageModelSettings) {
    this.provider = settings.adapter.provider;
    this.modelId = settings.adapter.modelId;
  }

  async generateText(request: TextRequest): Promise<TextResult> {
    const decoding = this.decodingOf(request);
    const cacheKey = this.cacheKey({ kind: 'text', messages: request.messages, decoding });
    const hit = await this.fromCache(cacheKey, request);
    if (hit) return hit;
    const { result, usage } = await this.call(request, request.messages, decoding, undefined);
    const answer: CachedAnswer = {
      text: result.text,
      usage,
      finishReason: result.finishReason,
      modelId: this.modelId,
      warnings: result.warnings,
    };
    if (cacheKey) await this.settings.cache!.set(cacheKey, answer);
    return { ...answer, cached: false };
  }

  async generateObject<T>(request: ObjectRequest<T>): Promise<ObjectResult<T>> {
    const decoding = this.decodingOf(request);
    const { json: schemaJson, text: schemaText } = jsonSchemaOf(request.schema);
    const cacheKey = this.cacheKey({
      kind: 'object',
      messages: request.messages,
      decoding,
      schemaName: request.schemaName,
      schema: schemaJson,
    });
    const hit = await this.fromCache(cacheKey, request);
    if (hit) {
      const parsed = parseStructuredOutput(hit.text, request.schema);
      if (parsed.success) return { ...hit, object: parsed.object };
    }
    const output = { schema: request.schema as z.ZodType, name: request.schemaName };
    const reasons: string[] = [];
    let messages = request.messages;
    let callDecoding = decoding;
    let enlarged = false;
    let usage: TokenUsage = { ...ZERO_USAGE };
    let warnings: string[] = [];
    let rawOutput = '';
    let calls = 0;
    const attempts = this.settings.structuredOutputRetries + 1;
    const fail = (outcome: StructuredOutcome): StructuredOutputError =>
      new StructuredOutputError({
        modelId: this.modelId,
        schemaName: request.schemaName,
        rawOutput,
        reasons,
        attempts: calls,
        usage,
        outcome,
      });
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const call = await this.call(request, messages, callDecoding, output, schemaText);
      calls++;
      usage = addUsage(usage, call.usage);
      warnings = call.result.warnings;
      rawOutput = call.result.text;
      const limit = this.settings.adapter.outputTokenLimit?.(callDecoding);
      const judged = judgeStructuredAnswer(call.result, request.schema, limit);
      if (judged.success) {
        const answer: CachedAnswer = {
          text: rawOutput,
          usage,
          finishReason: call.result.finishReason,
          modelId: this.modelId,
          warnings,
        };
        if (cacheKey) await this.settings.cache!.set(cacheKey, answer);
        return { ...answer, object: judged.object, cached: false };
      }
      reasons.push(judged.reason);
      await this.settings.runner.record(request.runId, request.stage, { invalidOutputs: 1 });
      this.settings.logger
        ?.child({ model: this.settings.name, stage: request.stage ?? UNSPECIFIED_STAGE })
        .warn(
          {
            attempt,
            of: attempts,
            schema: request.schemaName,
            outcome: judged.outcome,
            reason: judged.reason,
          },
          'structured output rejected',
        );
      // A refusal or a content filter is the provider's decision about this prompt: asking
      // again would pay for the same answer.
      if (judged.outcome === 'refused' || judged.outcome === 'content-filtered') throw fail(judged.outcome);
      if (judged.outcome === 'truncated') {
        // Asking again with the same limit would be cut again: once with more room, or give up.
        const larger = limit === undefined || enlarged ? undefined : largerOutputLimit(limit);
        if (larger === undefined) throw fail('truncated');
        enlarged = true;
        callDecoding = { ...callDecoding, maxOutputTokens: larger };
        attempt--; // the enlarged call is not one of the structured-output retries
        continue;
      }
      messages = repairMessages(request.messages, rawOutput, judged.reason, request.schemaName);
    }
    throw fail('unparseable');
  }

  private async call(
    request: TextRequest,
    messages: ChatMessage[],
    decoding: Decoding,
    output: { schema: z.ZodType; name: string } | undefined,
    schemaText = '',
  ): Promise<{ result: GenerateCallResult; usage: TokenUsage }> {
    // Reserve what the call may really cost: the output limit the adapter sends (Anthropic
    // always sends one), else the binding's estimate.
    const estimate = () => ({
      inputTokens: countPromptTokens(messages, schemaText),
      outputTokens:
        this.settings.adapter.outputTokenLimit?.(decoding) ??
        decoding.maxOutputTokens ??
        this.settings.defaultOutputReservation,
    });
    const { value, usage } = await this.settings.runner.run({
      stage: request.stage,
      runId: request.runId,
      signal: request.signal,
      estimate,
      execute: async ({ attempt, timeoutMs, signal }) => {
        const result = await this.settings.adapter.doGenerate({
          messages,
          decoding,
          output,
          signal,
          timeoutMs,
          attempt,
        });
        // A server that reports no usage is counted here, so budgets and limits still hold.
        const counted = result.usage ?? {
          inputTokens: countPromptTokens(messages),
          outputTokens: countTextTokens(result.text),
        };
        return { value: result, usage: counted };
      },
    });
    return { result: value, usage };
  }

  private decodingOf(request: TextRequest): Decoding {
    return { ...this.settings.decoding, ...definedOnly(request.decoding ?? {}) };
  }

  private cacheKey(
    parts: Pick<CacheKeyParts, 'kind' | 'messages' | 'decoding' | 'schemaName' | 'schema'>,
  ): string | undefined {
    const cache = this.settings.cache;
    if (!cache) return undefined;
    return cache.key({
      ...parts,
      provider: this.provider,
      baseURL: this.settings.adapter.baseURL,
      model: this.settings.model,
    });
  }

  private async fromCache(key: string | undefined, request: TextRequest): Promise<TextResult | undefined> {
    if (!key) return undefined;
    const answer = await this.settings.cache!.get(key);
    if (!answer) return undefined;
    await this.settings.runner.record(request.runId, request.stage, {
      cachedCalls: 1,
      cachedInputTokens: answer.usage.inputTokens,
      cachedOutputTokens: answer.usage.outputTokens,
    });
    this.settings.logger
      ?.child({ model: this.settings.name, stage: request.stage ?? UNSPECIFIED_STAGE })
      .debug({ cached: true }, 'llm call answered from the cache');
    // The answer keeps the usage it was produced with, so a re-run writes the same release lines
    // (a line's usage says what the answer takes, not what this run paid). What this run paid
    // is the ledger's: the hit above is counted as a cached call, at no cost.
    return { ...answer, cached: true };
  }
}

/**
 * The most output tokens a truncated structured answer is asked again with. The retry doubles
 * the limit that was sent, up to this; an answer cut at this limit fails as `truncated`.
 */
export const MAX_TRUNCATION_RETRY_OUTPUT_TOKENS = 16_384;

/** Twice the limit, capped; undefined when the limit is already at the cap. */
export function largerOutputLimit(limit: number): number | undefined {
  const larger = Math.min(limit * 2, MAX_TRUNCATION_RETRY_OUTPUT_TOKENS);
  return larger > limit ? larger : undefined;
}

function definedOnly(decoding: Decoding): Decoding {
  return Object.fromEntries(Object.entries(decoding).filter(([, value]) => value !== undefined)) as Decoding;
}

/** The schema as JSON Schema (for the cache key) and as text (for the token estimate). */
const jsonSchemaOf = cachePerSchema((schema): { json: unknown; text: string } => {
  let json: unknown;
  try {
    json = z.toJSONSchema(schema, { unrepresentable: 'any' });
  } catch {
    json = { unrepresentable: true };
  }
  return { json, text: JSON.stringify(json) };
});
