import { describe, expect, it } from 'vitest';
import { alternating, groundedConversation } from './test-fixtures';
import { buildToxicityPrompt, parseToxicity, toxicityOutputSchema } from './toxicity-llm-expert';

describe('LLM toxicity expert', () => {
  it('asks about the conversation only, with the categories it may name', () => {
    const conversation = { ...groundedConversation('t'), turns: alternating('Hi!', 'Hello there.') };
    const [system, user] = buildToxicityPrompt(conversation);
    expect(system?.content).toContain('harassment, hate, sexual, violence, self-harm, profanity, dangerous');
    expect(user?.content).toBe(
      'Conversation:\nUser 1: Hi!\nUser 2: Hello there.\n\nIs this conversation toxic?',
    );
  });

  it('fails when the model says toxic or names a category', () => {
    expect(parseToxicity({ reasoning: 'Friendly.', categories: [], toxic: false })).toEqual({
      passed: true,
      rationale: 'Friendly.',
    });
    expect(parseToxicity({ reasoning: 'Insults.', categories: ['harassment'], toxic: false })).toEqual({
      passed: false,
      rationale: 'toxic (harassment): Insults.',
    });
    expect(
      toxicityOutputSchema.safeParse({ reasoning: 'x', categories: ['rude'], toxic: true }).success,
    ).toBe(false);
  });
});
