import { describe, expect, it } from 'vitest';
import { CHEF, conversation, VIOLINIST } from './test-fixtures';
import { buildTuringPrompt, parseTuring, turingOutputSchema } from './turing-stage';

const first = conversation('a', CHEF, VIOLINIST, ['Hi, I just walked Max.', 'I practised the violin.']);
const second = conversation('b', CHEF, VIOLINIST, ['Hello!', 'Paris is lovely today.']);

describe('AI-detection prompt', () => {
  it('shows the two conversations as A and B, turns only (no personas)', () => {
    const messages = buildTuringPrompt({ first, second });
    expect(messages.map((message) => message.role)).toEqual(['system', 'user']);
    expect(messages[0]!.content).toContain('Exactly one of the two conversations was written by people');
    expect(messages[1]!.content).toBe(
      'Conversation A:\nUser 1: Hi, I just walked Max.\nUser 2: I practised the violin.\n\n' +
        'Conversation B:\nUser 1: Hello!\nUser 2: Paris is lovely today.\n\n' +
        'Which conversation did people write, A or B?',
    );
    expect(buildTuringPrompt({ first, second })).toEqual(messages);
    expect(parseTuring(turingOutputSchema.parse({ reasoning: 'r', writtenByPeople: 'B' }))).toBe('second');
    expect(turingOutputSchema.safeParse({ reasoning: 'r', writtenByPeople: 'C' }).success).toBe(false);
  });
});
