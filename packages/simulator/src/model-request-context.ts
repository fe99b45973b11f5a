import type { QualityModel } from './quality/quality-model';
import type { TextCorpus } from './text-corpus';

/** What a model route handler gets besides the request body. */
export interface ModelRequestContext {
  corpus: TextCorpus;
  seed: number;
  verdictPassRate: number;
  quality: QualityModel;
  /** Hash of the raw request body. */
  requestHash: number;
  /** Unique per request (ids in responses), unlike the content, which depends on the body only. */
  requestId: string;
  /** Unix seconds, for `created`. */
  now: number;
}

/** How a content fault shapes an answer (the normal answer is `plain`). */
export interface AnswerShape {
  kind: 'plain' | 'refusal' | 'refusalWithContent' | 'contentFilter' | 'truncated';
  /** Report part of the input as read from (and, on Anthropic, written to) the prompt cache. */
  promptCache: boolean;
}

/** The output limit a `truncated` answer runs to when the request sets none. */
export const DEFAULT_RUNAWAY_OUTPUT_TOKENS = 4096;

/** What a refusing model says. */
export const SIMULATED_REFUSAL = "I'm sorry, but I can't help with that request. (simulated refusal)";

/** A handler's answer before the server applies faults and latency. */
export interface ModelResponse {
  body: unknown;
  inputTokens: number;
  outputTokens: number;
  /** The same response with its structured content broken; absent when the request is not structured. */
  malformed?: () => unknown;
  /** Server-sent events to send instead of `body` when the request asked to stream. */
  events?: () => string[];
  /** The same answer as a content fault shapes it; absent for requests those faults do not apply to. */
  shaped?: (shape: AnswerShape) => { body: unknown; outputTokens: number };
}
