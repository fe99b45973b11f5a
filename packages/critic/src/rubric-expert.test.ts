import { describe, expect, it } from 'vitest';
import { buildRubricPrompt, parseRubric, rubricOutputSchema } from './rubric-expert';
import { groundedConversation } from './test-fixtures';
import { UnparseableVerdictError } from './unparseable-verdict-error';

describe('rubric expert', () => {
  const input = {
    policies: ['depth' as const, 'likeability' as const],
    candidates: [groundedConversation('a', 'ALPHA'), groundedConversation('b', 'BETA')],
  };
  const graded = (conversation: number, depth: number, likeability: number) => ({
    conversation,
    reasoning: `reason ${conversation}`,
    scores: { depth, likeability },
  });

  it('puts every candidate and every policy into one prompt', () => {
    const text = buildRubricPrompt(input)[1]!.content;
    expect(text).toContain(
      'Conversation 1:\nUser 1: Hello there, I just got back from walking my dog Max (ALPHA).',
    );
    expect(text).toContain('Conversation 2:');
    expect(text).toContain('- depth: ');
    expect(text).toContain('- likeability: ');
    expect(text).not.toContain('- coherency');
    expect(text).toMatch(/Grade conversations 1 to 2 on depth, likeability\.$/);
  });

  it('maps grades 1–10 to [0, 1] in candidate order, whatever order they come in', () => {
    const outcome = parseRubric({ conversations: [graded(2, 1, 4), graded(1, 10, 7)] }, input);
    expect(outcome.scores).toEqual([
      { depth: 1, likeability: 6 / 9 },
      { depth: 0, likeability: 3 / 9 },
    ]);
    expect(outcome.rationales).toEqual(['reason 1', 'reason 2']);
  });

  it('refuses missing, duplicate or unknown candidates', () => {
    expect(() => parseRubric({ conversations: [graded(1, 5, 5)] }, input)).toThrow(
      new UnparseableVerdictError('rubric did not grade conversation 2'),
    );
    expect(() => parseRubric({ conversations: [graded(1, 5, 5), graded(1, 5, 5)] }, input)).toThrow(/twice/);
    expect(() => parseRubric({ conversations: [graded(1, 5, 5), graded(3, 5, 5)] }, input)).toThrow(
      /only 1–2/,
    );
  });

  it('has a schema that wants an integer grade per policy', () => {
    const schema = rubricOutputSchema(['depth', 'likeability']);
    expect(schema.safeParse({ conversations: [graded(1, 5, 5)] }).success).toBe(true);
    expect(schema.safeParse({ conversations: [graded(1, 11, 5)] }).success).toBe(false);
    expect(
      schema.safeParse({ conversations: [{ conversation: 1, reasoning: 'r', scores: { depth: 5 } }] })
        .success,
    ).toBe(false);
  });
});
