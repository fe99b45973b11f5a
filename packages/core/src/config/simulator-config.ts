import { z } from 'zod';
import { fraction, nonNegativeInteger, positiveInteger } from './config-types';

/** Fault rates are probabilities per request, drawn deterministically from the seed. */
export const simulatorFaultsSchema = z.strictObject({
  /** @defaultValue 0 */
  rateLimited: fraction().default(0),
  /** Seconds sent in `retry-after` with an injected 429. @defaultValue 1 */
  retryAfterSeconds: nonNegativeInteger().default(1),
  /** 500 or 503. @defaultValue 0 */
  serverError: fraction().default(0),
  /** A 200 whose content is not valid JSON for a structured request. @defaultValue 0 */
  malformed: fraction().default(0),
  /** No answer until the client gives up. @defaultValue 0 */
  hang: fraction().default(0),
  /** 200 and headers, part of the body, then nothing: only a whole-call deadline ends it. @defaultValue 0 */
  stallAfterHeaders: fraction().default(0),
  /** 200 and part of the body, then a TCP reset. @defaultValue 0 */
  resetMidBody: fraction().default(0),
  /** 401 wrong API key, in the provider's shape. @defaultValue 0 */
  unauthorized: fraction().default(0),
  /** 404 unknown model, in the provider's shape. @defaultValue 0 */
  modelNotFound: fraction().default(0),
  /** 400 refusing the request's first sampling parameter (temperature, top_p, top_k, seed); only requests that send one. @defaultValue 0 */
  unsupportedParameter: fraction().default(0),
  /** OpenAI 429 `insufficient_quota` / Anthropic 400 "credit balance is too low". @defaultValue 0 */
  insufficientQuota: fraction().default(0),
  /** A refusal with no content (OpenAI `message.refusal`, Anthropic `stop_reason: refusal`). @defaultValue 0 */
  refusal: fraction().default(0),
  /** A refusal that still carries a complete, schema-valid answer. @defaultValue 0 */
  refusalWithContent: fraction().default(0),
  /** OpenAI `finish_reason: content_filter` with a complete answer (Anthropic: `stop_reason: refusal`). @defaultValue 0 */
  contentFilter: fraction().default(0),
  /** The answer runs to the output limit (`max_tokens`, else 4096): cut JSON, `length` / `max_tokens`. @defaultValue 0 */
  truncated: fraction().default(0),
  /** Usage reports half the input as read from the prompt cache (Anthropic: and a quarter as written). @defaultValue 0 */
  promptCache: fraction().default(0),
  /** A 502 whose body is a proxy's HTML error page, not JSON. @defaultValue 0 */
  htmlErrorPage: fraction().default(0),
  /** A `deprecation` response header (RFC 9745) and a `sunset` date. @defaultValue 0 */
  deprecated: fraction().default(0),
  /**
   * Attempts of one request body that may draw a fault; later retries of the same body are
   * answered cleanly (1: every request fails once, then succeeds). @defaultValue unlimited
   */
  faultyAttemptsPerBody: positiveInteger().optional(),
});
export type SimulatorFaults = z.infer<typeof simulatorFaultsSchema>;

/** The in-process LLM simulator that `parley run` starts for models with `provider: simulator`. */
export const simulatorConfigSchema = z.strictObject({
  /** @defaultValue 1 */
  seed: z.number().int().default(1),
  /** Fixed latency per request in ms. @defaultValue 0 */
  latencyMs: nonNegativeInteger().default(0),
  /** Extra uniform jitter in ms added to the latency. @defaultValue 0 */
  latencyJitterMs: nonNegativeInteger().default(0),
  /** Answer 429 above this many requests per minute, like a provider. */
  requestsPerMinute: positiveInteger().optional(),
  faults: simulatorFaultsSchema.default(simulatorFaultsSchema.parse({})),
  /** Probability of the favourable answer of verdict-like fields (passed, faithful). @defaultValue 0.8 */
  verdictPassRate: fraction().default(0.8),
  /** Seed file whose text the simulator draws on; defaults to the job's seed. */
  textSource: z.string().min(1).optional(),
});
export type SimulatorConfig = z.infer<typeof simulatorConfigSchema>;
