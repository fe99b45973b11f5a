import type { Conversation } from '@parley/core';

/** A conversation for tests: alternating turns, user 1 first. */
export function conversation(
  id: string,
  user1Persona: string[],
  user2Persona: string[],
  lines: string[],
): Conversation {
  return {
    id,
    user1Persona,
    user2Persona,
    turns: lines.map((text, index) => ({ speaker: index % 2 === 0 ? 'user1' : 'user2', text })),
  };
}

export const CHEF = [
  'I have a dog named Max.',
  'I work as a chef.',
  'I love hiking.',
  'I am afraid of heights.',
  'I grew up in Ohio.',
];
export const VIOLINIST = [
  'I play the violin.',
  'I live in Paris.',
  'My favorite food is sushi.',
  'I have two sisters.',
];
export const TEACHER = ['I am a retired teacher.', 'I enjoy gardening.', 'My husband is a pilot.'];
export const STUDENT = ['I study architecture.', 'I drink too much coffee.', 'I can speak French.'];

/**
 * `count` conversations between alternating persona pairs; `marker` goes into every turn so a
 * scripted judge can tell which side a conversation came from.
 */
export function conversations(prefix: string, count: number, marker: string): Conversation[] {
  const pairs: Array<[string[], string[]]> = [
    [CHEF, VIOLINIST],
    [TEACHER, STUDENT],
  ];
  return Array.from({ length: count }, (_, index) => {
    const [user1, user2] = pairs[index % pairs.length]!;
    return conversation(`${prefix}-${index}`, user1, user2, [
      `Hello there, ${marker} speaking, number ${index}.`,
      `Nice to meet you, ${marker} here too.`,
      `What do you do for fun on weekends, ${marker}?`,
      `Mostly reading books, ${marker} style.`,
    ]);
  });
}
