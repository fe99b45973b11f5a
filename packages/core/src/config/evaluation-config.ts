import { z } from 'zod';
import { nonEmptyString, positiveInteger } from './config-types';

/** `parley eval` inside a run: the paper's measurements after every iteration, into eval.json. */
export const evaluationConfigSchema = z.strictObject({
  /** Evaluate each iteration as soon as it closes. @defaultValue false */
  afterEachIteration: z.boolean().default(false),
  /** The judge, a model name from `models:`; needed when afterEachIteration is on. */
  judge: nonEmptyString().optional(),
  /** Judge at most this many conversations per iteration (cost bound). @defaultValue all */
  limit: positiveInteger().optional(),
  /** Judge calls in flight at once. @defaultValue 8 */
  concurrency: positiveInteger().default(8),
});
export type EvaluationConfig = z.infer<typeof evaluationConfigSchema>;
