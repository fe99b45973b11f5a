import type { ProfilePair } from '@parley/core';

/**
 * The pairs of one iteration: `count` pairs taken in order from the run's pair list, each
 * iteration continuing where the last stopped and wrapping around when the list is short.
 * A pair met again in the same iteration gets a round suffix so pair ids stay unique.
 */
export function planIteration(
  pairs: readonly ProfilePair[],
  iteration: number,
  count: number,
): ProfilePair[] {
  if (pairs.length === 0) return [];
  const start = (iteration - 1) * count;
  return Array.from({ length: count }, (_, offset) => {
    const index = start + offset;
    const pair = pairs[index % pairs.length]!;
    const round = Math.floor(offset / pairs.length);
    return round === 0 ? pair : { ...pair, id: `${pair.id}-r${round}` };
  });
}
