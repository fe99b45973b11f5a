import { z } from 'zod';
import { nonEmptyString, positiveInteger } from './config-types';

/** The Generator (DESIGN.md §1 stage 4). Paper decoding: top-k 40, temperature 0.7. */
export const generatorConfigSchema = z.strictObject({
  /** A model name from `models:`. */
  model: nonEmptyString(),
  /** @defaultValue 0.7 */
  temperature: z.number({ error: 'expected a number between 0 and 2' }).min(0).max(2).default(0.7),
  /** @defaultValue 40 */
  topK: positiveInteger().default(40),
  /** Turns per speaker: "more than 5 and fewer than 8". @defaultValue 6 */
  minTurnsPerSpeaker: positiveInteger().default(6),
  /** @defaultValue 7 */
  maxTurnsPerSpeaker: positiveInteger().default(7),
  /** Few-shot examples drawn from the example pool per prompt. @defaultValue 5 */
  examplesPerPrompt: positiveInteger().default(5),
});
export type GeneratorConfig = z.infer<typeof generatorConfigSchema>;
