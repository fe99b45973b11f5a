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

/** The suffix {@link planIteration} gives a pair met again within one iteration. */
const REPEAT_SUFFIX = /-r(\d+)$/;

/**
 * The id pairs.jsonl gives the pair behind a planned id: the id itself, or the id without the
 * `-rN` suffix of a repeat. Undefined when neither is one of `isPairId`'s.
 */
export function basePairIdOf(plannedId: string, isPairId: (id: string) => boolean): string | undefined {
  if (isPairId(plannedId)) return plannedId;
  const match = REPEAT_SUFFIX.exec(plannedId);
  if (!match) return undefined;
  const base = plannedId.slice(0, match.index);
  return isPairId(base) ? base : undefined;
}

/** How often a run's plan meets its pairs, and how often an iteration meets one twice. */
export interface PlanOccurrences {
  /** Per pair index (pairs.jsonl order): planned conversations over every iteration. */
  perPair: Uint32Array;
  /** Planned pairs in all iterations. */
  planned: number;
  /** Planned pairs that repeat a pair already planned in the same iteration (`-rN` ids). */
  repeatedWithinIteration: number;
}

/**
 * The whole plan of a run (`iterations` × `count` pairs from `pairCount` pairs), counted
 * without building it: the same pairs {@link planIteration} picks.
 */
export function planOccurrences(pairCount: number, iterations: number, count: number): PlanOccurrences {
  const perPair = new Uint32Array(pairCount);
  if (pairCount === 0) return { perPair, planned: 0, repeatedWithinIteration: 0 };
  for (let iteration = 1; iteration <= iterations; iteration++) {
    const start = (iteration - 1) * count;
    for (let offset = 0; offset < count; offset++) {
      const index = (start + offset) % pairCount;
      perPair[index] = (perPair[index] as number) + 1;
    }
  }
  const repeatsPerIteration = Math.max(0, count - pairCount);
  return { perPair, planned: iterations * count, repeatedWithinIteration: iterations * repeatsPerIteration };
}
