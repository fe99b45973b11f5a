import type { Decoding, TokenUsage } from '@parley/core';
import type { z } from 'zod';

/**
 * The provider-neutral model spec. Generator and critic see only these types; adapters
 * (OpenAI, Anthropic, OpenAI-compatible) and the middleware around them (retries, shared
 * limits, cache, budget, accounting) implement them.
 */

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
  /**
   * The prompt's long, byte-stable part (shared by many calls) ends with this message: Anthropic
   * gets `cache_control` here, OpenAI a `prompt_cache_key` naming everything up to here. Only the
   * last marked message counts.
   */
  cacheBreakpoint?: boolean;
}

/** Why generation stopped, normalised, with the vendor's own value beside it. */
export interface FinishReason {
  unified: 'stop' | 'length' | 'content-filter' | 'tool-calls' | 'error' | 'other';
  raw: string | undefined;
}

export interface CallContext {
  /** Pipeline stage for usage accounting (`generate`, `critique:faithfulness`, `expand:query`). */
  stage?: string;
  /** Run id, for the run's usage totals, budget and cache. */
  runId?: string;
  /** Aborts the call (a worker shutting down, a cancelled run). */
  signal?: AbortSignal;
}

export interface TextRequest extends CallContext {
  messages: ChatMessage[];
  decoding?: Decoding;
}

export interface ObjectRequest<T> extends TextRequest {
  /** The object's schema: sent to the provider as JSON Schema and used to validate the answer. */
  schema: z.ZodType<T>;
  /** A short name for the schema (`conversation`, `faithfulness_verdict`), as providers require one. */
  schemaName: string;
}

export interface TextResult {
  text: string;
  usage: TokenUsage;
  finishReason: FinishReason;
  /** `provider:model` that answered. */
  modelId: string;
  /** True when the response came from the response cache and cost nothing. */
  cached: boolean;
  /** Settings the provider does not support (e.g. top-k on OpenAI), dropped with a warning. */
  warnings: string[];
}

export interface ObjectResult<T> extends TextResult {
  object: T;
}

export interface LanguageModel {
  readonly provider: string;
  readonly modelId: string;
  generateText(request: TextRequest): Promise<TextResult>;
  generateObject<T>(request: ObjectRequest<T>): Promise<ObjectResult<T>>;
}

export interface EmbeddingResult {
  embeddings: number[][];
  usage: TokenUsage;
}

export interface EmbeddingModel {
  readonly provider: string;
  readonly modelId: string;
  embed(texts: string[], context?: CallContext): Promise<EmbeddingResult>;
}

export interface ModerationVerdict {
  flagged: boolean;
  /** Category name to score in [0, 1]. */
  scores: Record<string, number>;
}

export interface ModerationModel {
  readonly provider: string;
  readonly modelId: string;
  moderate(texts: string[], context?: CallContext): Promise<ModerationVerdict[]>;
}
