import { z } from 'zod';
import { fraction, nonNegativeInteger } from './config-types';

/**
 * How the simulator's Batch APIs (OpenAI `/v1/files` + `/v1/batches`, Anthropic Message Batches)
 * behave: how long a batch runs, and which share of its requests fail or expire. Each line's
 * fate is drawn from the seed, the line and how many times that line was submitted, so a line
 * resubmitted in a later batch can succeed.
 */
export const simulatorBatchSchema = z.strictObject({
  /** A batch ends this long after it was created. @defaultValue 0 */
  completionDelayMs: nonNegativeInteger().default(0),
  /** Share of lines answered with an error (a 500 inside the batch). @defaultValue 0 */
  errorRate: fraction().default(0),
  /** Share of lines left unanswered when the batch's window closes (`expired`). @defaultValue 0 */
  expiryRate: fraction().default(0),
  /**
   * Most lines of unfinished batches per vendor; 0 for no limit. A batch that would pass it is
   * refused as the vendors refuse a full batch queue: OpenAI creates it and fails it with
   * `token_limit_exceeded` (its real limit counts enqueued tokens), Anthropic answers 429.
   * @defaultValue 0
   */
  maxEnqueuedLines: nonNegativeInteger().default(0),
});
export type SimulatorBatch = z.infer<typeof simulatorBatchSchema>;
