// Test support only (not exported): small hand-made conversations.
import type { Conversation, Turn } from '@parley/core';

export const CHEF_PERSONA = ['I have a dog named Max.', 'I work as a chef in a busy restaurant.'];
export const VIOLIN_PERSONA = ['I play the violin in an orchestra.', 'I live in Paris with my grandmother.'];

/** Alternating turns from plain strings, User 1 first. */
export function alternating(...texts: string[]): Turn[] {
  return texts.map((text, index) => ({ speaker: index % 2 === 0 ? 'user1' : 'user2', text }));
}

/**
 * A well-formed, persona-grounded conversation; `marker` goes into the first turn so a
 * scripted model can tell candidates apart in a prompt.
 */
export function groundedConversation(id: string, marker = id): Conversation {
  return {
    id,
    user1Persona: CHEF_PERSONA,
    user2Persona: VIOLIN_PERSONA,
    turns: alternating(
      `Hello there, I just got back from walking my dog Max (${marker}).`,
      'Hi! I just finished practising the violin for the orchestra concert.',
      'Nice. I work as a chef, so evenings in the restaurant are busy for me.',
      'I live in Paris with my grandmother, and she loves cooking too.',
      'Paris must be lovely. What music does the orchestra play?',
      'Mostly Brahms this season. Does Max ever come to the restaurant?',
    ),
  };
}
