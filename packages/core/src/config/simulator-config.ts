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
  faults: simulatorFaultsSchema.default({
    rateLimited: 0,
    retryAfterSeconds: 1,
    serverError: 0,
    malformed: 0,
    hang: 0,
  }),
  /** Probability of the favourable answer of verdict-like fields (passed, faithful). @defaultValue 0.8 */
  verdictPassRate: fraction().default(0.8),
  /** Seed file whose text the simulator draws on; defaults to the job's seed. */
  textSource: z.string().min(1).optional(),
});
export type SimulatorConfig = z.infer<typeof simulatorConfigSchema>;
