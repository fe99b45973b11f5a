import { createHash } from 'node:crypto';
import type { RunConfig } from '@parley/core';

export const SPC_SPLITS = ['train', 'valid', 'test'] as const;
export type SpcSplit = (typeof SPC_SPLITS)[number];
export type SplitFractions = RunConfig['output']['split'];

/**
 * The split a conversation belongs to, from a hash of its id alone: the same conversation
 * lands in the same split in every release of the run, whatever else the run produced, and
 * every conversation lands in exactly one split.
 */
export function spcSplitOf(conversationId: string, fractions: SplitFractions): SpcSplit {
  const point = unitHash(conversationId);
  if (point < fractions.train) return 'train';
  if (point < fractions.train + fractions.valid) return 'valid';
  if (fractions.test > 0) return 'test';
  // test = 0: only the rounding of train + valid can leave a point here; it is not test's.
  return fractions.valid > 0 ? 'valid' : 'train';
}

/** A point in [0, 1) drawn from the first 48 bits of sha256(text): uniform and exactly representable. */
export function unitHash(text: string): number {
  const digest = createHash('sha256').update(text, 'utf8').digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}
