import type { Conversation } from '@parley/core';
import { comparisonKey } from './comparison-key';

/**
 * Every distinct persona sentence of the seed conversations, in order of first appearance
 * (both speakers, conversation by conversation). Sentences equal up to case, punctuation and
 * spacing count once; the first spelling is kept.
 */
export function collectSeedAttributes(conversations: Iterable<Conversation>): string[] {
  const seen = new Set<string>();
  const attributes: string[] = [];
  for (const conversation of conversations) {
    for (const attribute of [...conversation.user1Persona, ...conversation.user2Persona]) {
      const text = attribute.trim();
      const key = comparisonKey(text);
      if (key.length === 0 || seen.has(key)) continue;
      seen.add(key);
      attributes.push(text);
    }
  }
  return attributes;
}
