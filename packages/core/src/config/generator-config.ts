import { z } from 'zod';
import { nonEmptyString, positiveInteger } from './config-types';

/** The Generator (the paper's stage 4). Paper decoding: top-k 40, temperature 0.7. */
export const generatorConfigSchema = z.strictObject({
  /** A model name from `models:`. */
  model: nonEmptyString(),
  /** @defaultValue 0.7 */
  temperature: z.number({ error: 'expected a number between 0 and 2' }).min(0).max(2).default(0.7),
  /** @defaultValue 40 */
  topK: positiveInteger().default(40),
  /**
   * Fewest turns per speaker the Generator is asked for and the structure filter accepts.
   * Unset, it is derived from the seed when the run is created (see TURN_BOUNDS_FROM_SEED) and
   * stored in the run's config, so every worker uses the same number.
   */
  minTurnsPerSpeaker: positiveInteger().optional(),
  /** Most turns per speaker; unset, derived from the seed like minTurnsPerSpeaker. */
  maxTurnsPerSpeaker: positiveInteger().optional(),
  /** Few-shot examples drawn from the example pool per prompt. @defaultValue 5 */
  examplesPerPrompt: positiveInteger().default(5),
});
export type GeneratorConfig = z.infer<typeof generatorConfigSchema>;

/**
 * How unset turn bounds come from the seed's turns per speaker (both speakers of every
 * conversation with turns): the middle 90 % (p5–p95), widened by half on each side so that a
 * conversation as short or as long as the seed's own outliers still passes:
 * min = max(1, ⌊p5 × 0.5⌋), max = ⌈p95 × 1.5⌉. The SPC test split (p5 8, p95 22) gives 4–33.
 */
export const TURN_BOUNDS_FROM_SEED = {
  lowerQuantile: 0.05,
  upperQuantile: 0.95,
  lowerFactor: 0.5,
  upperFactor: 1.5,
} as const;

/** Turns per speaker a conversation must have, both ends included. */
export interface TurnBounds {
  minTurnsPerSpeaker: number;
  maxTurnsPerSpeaker: number;
}
