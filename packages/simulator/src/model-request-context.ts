import type { TextCorpus } from './text-corpus';

/** What a model route handler gets besides the request body. */
export interface ModelRequestContext {
  corpus: TextCorpus;
  seed: number;
  verdictPassRate: number;
  /** Hash of the raw request body. */
  requestHash: number;
  /** Unique per request (ids in responses), unlike the content, which depends on the body only. */
  requestId: string;
  /** Unix seconds, for `created`. */
  now: number;
}

/** A handler's answer before the server applies faults and latency. */
export interface ModelResponse {
  body: unknown;
  inputTokens: number;
  outputTokens: number;
  /** The same response with its structured content broken; absent when the request is not structured. */
  malformed?: () => unknown;
  /** Server-sent events to send instead of `body` when the request asked to stream. */
  events?: () => string[];
}
