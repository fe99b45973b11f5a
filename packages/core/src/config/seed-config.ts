import { z } from 'zod';
import { nonEmptyString, positiveInteger } from './config-types';

export const seedFormatSchema = z.enum(['auto', 'spc-csv', 'parlai-txt', 'hf-json', 'parley-jsonl'], {
  error: 'expected one of auto, spc-csv, parlai-txt, hf-json, parley-jsonl',
});
export type SeedFormat = z.infer<typeof seedFormatSchema>;

/** The seed dataset: its conversations form the first example pool and its personas stage 1. */
export const seedConfigSchema = z.strictObject({
  /** Path, relative to the job file. */
  path: nonEmptyString(),
  /** @defaultValue 'auto' (detected from content) */
  format: seedFormatSchema.default('auto'),
  /** strict stops at the first bad record; lenient skips and counts. @defaultValue 'lenient' */
  mode: z.enum(['strict', 'lenient'], { error: 'expected strict or lenient' }).default('lenient'),
  /** Read at most this many conversations. */
  limit: positiveInteger().optional(),
});
export type SeedConfig = z.infer<typeof seedConfigSchema>;
