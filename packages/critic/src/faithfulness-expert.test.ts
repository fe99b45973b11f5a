import { describe, expect, it } from 'vitest';
import {
  buildFaithfulnessPrompt,
  faithfulnessOutputSchema,
  faithfulnessStage,
  parseFaithfulness,
} from './faithfulness-expert';
import { groundedConversation } from './test-fixtures';

describe('faithfulness expert', () => {
  const conversation = groundedConversation('f');

  it('builds instructions, worked examples, then the candidate with both personas', () => {
    const messages = buildFaithfulnessPrompt(conversation);
    expect(messages.map((message) => message.role)).toEqual([
      'system',
      'user',
      'assistant',
      'user',
      'assistant',
      'user',
      'assistant',
      'user',
    ]);
    // Every worked answer is valid output, with faithful and unfaithful examples.
    const answers = messages
      .filter((message) => message.role === 'assistant')
      .map((message) => faithfulnessOutputSchema.parse(JSON.parse(message.content)));
    expect(answers.map((answer) => answer.faithful)).toEqual([true, false, false]);
    expect(answers.every((answer) => answer.reasoning.length > 40)).toBe(true);
    const last = messages.at(-1)!.content;
    expect(last).toContain("User 1's persona:\n- I have a dog named Max.");
    expect(last).toContain("User 2's persona:\n- I play the violin in an orchestra.");
    expect(last).toContain('User 2: Hi! I just finished practising the violin');
    expect(last).toMatch(/Does this conversation contradict either persona\?$/);
    expect(buildFaithfulnessPrompt(conversation)).toEqual(messages);
  });

  it('passes only a faithful verdict with no contradiction listed', () => {
    expect(parseFaithfulness({ reasoning: 'All consistent.', contradictions: [], faithful: true })).toEqual({
      passed: true,
      rationale: 'All consistent.',
    });
    const contradiction = {
      speaker: 'User 1' as const,
      attribute: 'I am vegan.',
      evidence: 'User 1: I ate a steak.',
    };
    expect(parseFaithfulness({ reasoning: 'r', contradictions: [contradiction], faithful: false })).toEqual({
      passed: false,
      rationale: 'User 1 contradicts "I am vegan." (User 1: I ate a steak.)',
    });
    expect(
      parseFaithfulness({ reasoning: 'r', contradictions: [contradiction], faithful: true }),
    ).toMatchObject({
      passed: false,
      rationale: expect.stringMatching(/^said faithful but listed contradictions: /),
    });
  });

  it('declares its stage name and schema name for the model call', () => {
    expect(faithfulnessStage.name).toBe('critique:faithfulness');
    expect(faithfulnessStage.schemaName).toBe('faithfulness_verdict');
    expect(faithfulnessStage.inputSchema.safeParse({ id: 'x' }).success).toBe(false);
  });
});
