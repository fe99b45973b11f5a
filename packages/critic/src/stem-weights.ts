import type { Conversation } from '@parley/core';
import { contentStems } from './text-tokens';

/** How much a content stem says about a persona: rare words ("taekwondo") more than common ones ("work"). */
export type StemWeights = (stem: string) => number;

/** Every stem counts the same: grounding without a reference corpus. */
export const UNIFORM_WEIGHTS: StemWeights = () => 1;

/**
 * Inverse document frequency of each content stem over a set of conversations (the seed):
 * ln((n + 1) / (df + 1)), where df counts the conversations whose turns use the stem. A stem
 * the corpus never uses weighs most. With it, grounding credits a speaker for the persona words
 * few conversations would use anyway.
 */
export function idfWeights(conversations: Iterable<Conversation>): StemWeights {
  const documentFrequency = new Map<string, number>();
  let count = 0;
  for (const conversation of conversations) {
    count++;
    const stems = new Set(conversation.turns.flatMap((turn) => contentStems(turn.text)));
    for (const stemmed of stems) documentFrequency.set(stemmed, (documentFrequency.get(stemmed) ?? 0) + 1);
  }
  if (count === 0) return UNIFORM_WEIGHTS;
  return (stemmed) => Math.log((count + 1) / ((documentFrequency.get(stemmed) ?? 0) + 1));
}
