import { describe, expect, it } from 'vitest';
import {
  buildFaithfulnessTestPrompt,
  faithfulnessTestOutputSchema,
  parseFaithfulnessTest,
} from './faithfulness-stage';
import { CHEF, conversation, VIOLINIST } from './test-fixtures';

const first = conversation('a', CHEF, VIOLINIST, ['Hi, I just walked Max.', 'I practised the violin.']);

describe('faithfulness prompt', () => {
  it('numbers the statements about the asked speaker', () => {
    const input = {
      conversation: first,
      speaker: 'user2' as const,
      statements: ['I play the violin.', 'I am a pilot.'],
    };
    const content = buildFaithfulnessTestPrompt(input)[1]!.content;
    expect(content).toContain('Statements about User 2:\n1. I play the violin.\n2. I am a pilot.');
    expect(content).toMatch(/Which of these statements does User 2 hold\? Give their numbers\.$/);
    // Each number once, 0-based, ascending.
    expect(parseFaithfulnessTest({ reasoning: 'r', selected: [2, 1, 2] }, input)).toEqual([0, 1]);
    expect(() => parseFaithfulnessTest({ reasoning: 'r', selected: [3] }, input)).toThrow(
      'selected statement 3 of 2 shown',
    );
    expect(faithfulnessTestOutputSchema.safeParse({ reasoning: 'r', selected: [0] }).success).toBe(false);
  });
});
