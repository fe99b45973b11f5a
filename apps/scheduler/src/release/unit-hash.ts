import { createHash } from 'node:crypto';
import type { RunConfig } from '@parley/core';

/** `output.split` of the config: fractions of planned conversations for train, valid(ation), test. */
export type SplitFractions = RunConfig['output']['split'];

/** A point in [0, 1) drawn from the first 48 bits of sha256(text): uniform and exactly representable. */
export function unitHash(text: string): number {
  const digest = createHash('sha256').update(text, 'utf8').digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}
