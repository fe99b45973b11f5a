import type { Conversation } from '@parley/core';
import { SeededRandom } from '@parley/core';

/**
 * A control for persona grounding: gives every conversation the personas of another row, by a
 * seeded random derangement (Sattolo's algorithm yields a single cycle, so no row keeps its
 * own personas). Turns and ids stay; fewer than two conversations come back unchanged.
 */
export function swapPersonas(conversations: readonly Conversation[], seed = 1): Conversation[] {
  const count = conversations.length;
  if (count < 2) return conversations.map((conversation) => ({ ...conversation }));
  const donors = derangement(count, seed);
  return conversations.map((conversation, index) => {
    const donor = conversations[donors[index]!]!;
    return { ...conversation, user1Persona: donor.user1Persona, user2Persona: donor.user2Persona };
  });
}

/** A permutation with no fixed point: `result[i] !== i` for every i (needs count ≥ 2). */
export function derangement(count: number, seed = 1): number[] {
  const permutation = Array.from({ length: count }, (_, index) => index);
  const random = new SeededRandom(seed);
  for (let index = count - 1; index > 0; index--) {
    const other = random.below(index);
    [permutation[index], permutation[other]] = [permutation[other]!, permutation[index]!];
  }
  return permutation;
}
