import { z } from 'zod';
import { fraction, nonNegativeInteger, positiveInteger } from './config-types';
import { simulatorBatchSchema } from './simulator-batch-config';

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

/**
 * Kinds of defect the simulator's Generator writes on purpose; the Critic plants the same kinds
 * (its DEFECT_KINDS is this list).
 */
export const SIMULATED_DEFECT_KINDS = [
  'verbatim-copy',
  'abuse',
  'repeated-turns',
  'truncated',
  'swapped-personas',
  'exchanged-personas',
  'self-contradiction',
  'shuffled',
] as const;
export type SimulatedDefectKind = (typeof SIMULATED_DEFECT_KINDS)[number];

/** Per-kind base rate of the Generator's defects, before the examples' effect. */
const DEFAULT_DEFECT_RATE = 0.1;

/**
 * How often each simulated judge answers as the text shows. The paper reports expert accuracies
 * between 0.84 and 0.96; the per-expert values are picks within that range (docs/simulator.md).
 */
export const simulatorAccuracySchema = z.strictObject({
  /** Persona faithfulness filter. @defaultValue 0.88 */
  faithfulness: fraction().default(0.88),
  /** LLM toxicity filter. @defaultValue 0.96 */
  toxicity: fraction().default(0.96),
  /** Each pairwise FED comparison. @defaultValue 0.9 */
  pairwise: fraction().default(0.9),
  /** Each conversation's grades in a rubric call. @defaultValue 0.84 */
  rubric: fraction().default(0.84),
});

/** What the simulator's judges and Generator do with the conversations they are shown or write. */
export const simulatorQualitySchema = z.strictObject({
  accuracy: simulatorAccuracySchema.default(simulatorAccuracySchema.parse({})),
  /** Base probability per candidate of each defect kind. @defaultValue 0.1 each */
  defectRates: z
    .strictObject({
      'verbatim-copy': fraction().default(DEFAULT_DEFECT_RATE),
      abuse: fraction().default(DEFAULT_DEFECT_RATE),
      'repeated-turns': fraction().default(DEFAULT_DEFECT_RATE),
      truncated: fraction().default(DEFAULT_DEFECT_RATE),
      'swapped-personas': fraction().default(DEFAULT_DEFECT_RATE),
      'exchanged-personas': fraction().default(DEFAULT_DEFECT_RATE),
      'self-contradiction': fraction().default(DEFAULT_DEFECT_RATE),
      shuffled: fraction().default(DEFAULT_DEFECT_RATE),
    } satisfies Record<SimulatedDefectKind, unknown>)
    .default(
      Object.fromEntries(SIMULATED_DEFECT_KINDS.map((kind) => [kind, DEFAULT_DEFECT_RATE])) as Record<
        SimulatedDefectKind,
        number
      >,
    ),
  /**
   * How much clean few-shot examples lower the defect rates: rate = base × (1 − exampleLearning ×
   * share of the prompt's examples with no defect the judges see). @defaultValue 0.9
   */
  exampleLearning: fraction().default(0.9),
});
export type SimulatorQuality = z.infer<typeof simulatorQualitySchema>;

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
  /**
   * Seed file whose text the simulator draws on; defaults to the built-in corpus (never the
   * job's seed, whose human lines would end up in a simulated release).
   */
  textSource: z.string().min(1).optional(),
  /** Judges that read what they are shown and a Generator that writes defects on purpose. */
  quality: simulatorQualitySchema.default(simulatorQualitySchema.parse({})),
  /** The Batch APIs' completion delay, partial errors and expiry. */
  batch: simulatorBatchSchema.default(simulatorBatchSchema.parse({})),
});
export type SimulatorConfig = z.infer<typeof simulatorConfigSchema>;
