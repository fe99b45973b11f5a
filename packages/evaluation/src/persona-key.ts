import type { Conversation } from '@parley/core';

/**
 * An attribute reduced to what makes it the same statement: lower case, straight apostrophes,
 * single spaces, no final punctuation. "I have a dog." and "i have a dog" meet.
 */
export function attributeKey(attribute: string): string {
  return attribute
    .toLowerCase()
    .replace(/[\u2018\u2019`]/g, "'")
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\s.!?;,]+$/, '');
}

/** A persona as a set: its attribute keys, de-duplicated and sorted. */
export function personaKey(attributes: readonly string[]): string {
  return [...new Set(attributes.map(attributeKey).filter(Boolean))].sort().join('\n');
}

/**
 * The profile pair of a conversation, whoever is user 1: the two persona sets in sorted order.
 * Two conversations with the same key were written for the same two people.
 */
export function profilePairKey(conversation: Pick<Conversation, 'user1Persona' | 'user2Persona'>): string {
  return [personaKey(conversation.user1Persona), personaKey(conversation.user2Persona)].sort().join('\n\n');
}
