import { describe, expect, it } from 'vitest';
import {
  buildPairwisePrompt,
  createFedPolicyExpert,
  pairwiseOutputSchema,
  parsePairwise,
} from './fed-policy-expert';
import { groundedConversation } from './test-fixtures';

function userText(messages: ReturnType<typeof buildPairwisePrompt>): string {
  return messages
    .filter((message) => message.role === 'user')
    .map((message) => message.content)
    .join('\n\n');
}

describe('FED policy expert', () => {
  const first = groundedConversation('a', 'ALPHA');
  const second = groundedConversation('b', 'BETA');

  it('asks the policy question about conversation 1 and conversation 2, personas once', () => {
    const [system, ...users] = buildPairwisePrompt({ policy: 'depth', first, second });
    expect(system?.content).toContain('The order in which the conversations are shown says nothing');
    // The conversations (shared by every policy) are the cached prefix; the policy question follows.
    expect(users.map((message) => message.cacheBreakpoint ?? false)).toEqual([true, false]);
    const depth = buildPairwisePrompt({ policy: 'likeability', first, second });
    expect(depth[1]).toEqual(users[0]);
    const text = users.map((message) => message.content).join('\n\n');
    expect(text.indexOf('ALPHA')).toBeLessThan(text.indexOf('BETA'));
    expect(text.match(/User 1's persona/g)).toHaveLength(1);
    expect(text).toMatch(
      /Which of conversation 1 and conversation 2 discusses its topics in more depth\? Why\?$/,
    );
    const swapped = userText(buildPairwisePrompt({ policy: 'depth', first: second, second: first }));
    expect(swapped.indexOf('BETA')).toBeLessThan(swapped.indexOf('ALPHA'));
  });

  it('shows each persona when the two conversations are not of the same pair', () => {
    const other = { ...second, user1Persona: ['I am a pilot.'] };
    const text = userText(buildPairwisePrompt({ policy: 'likeability', first, second: other }));
    expect(text.match(/User 1's persona/g)).toHaveLength(2);
    expect(text).toContain('has speakers with more likeable personalities');
  });

  it('maps the answer to first / second / tie and rejects anything else', () => {
    expect(parsePairwise({ reasoning: 'deeper', preferred: '1' })).toEqual({
      preferred: 'first',
      rationale: 'deeper',
    });
    expect(parsePairwise({ reasoning: 'r', preferred: '2' }).preferred).toBe('second');
    expect(parsePairwise({ reasoning: 'r', preferred: 'tie' }).preferred).toBe('tie');
    expect(pairwiseOutputSchema.safeParse({ reasoning: 'r', preferred: '3' }).success).toBe(false);
  });

  it('is named after its policy, with a per-policy stage', () => {
    const expert = createFedPolicyExpert({ policy: 'coherency', model: 'judge' });
    expect(expert).toMatchObject({ type: 'pairwise', name: 'coherency', kind: 'ranker', model: 'judge' });
    expect(expert.stage.name).toBe('select:coherency');
  });
});
