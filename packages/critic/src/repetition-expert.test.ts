import { describe, expect, it } from 'vitest';
import { createRepetitionExpert, repetitionMeasures } from './repetition-expert';
import { alternating, groundedConversation } from './test-fixtures';

describe('repetition expert', () => {
  it('passes a varied conversation and scores it by distinct-2', async () => {
    const verdict = await createRepetitionExpert().review(groundedConversation('ok'), {});
    expect(verdict.passed).toBe(true);
    expect(verdict.score).toBeGreaterThan(0.9);
  });

  it('lists long turns said more than once, not short ones', () => {
    const conversation = {
      ...groundedConversation('r'),
      turns: alternating('What do you do for a living?', 'Me too!', 'what do you do for a living', 'Me too!'),
    };
    expect(repetitionMeasures(conversation)).toMatchObject({
      repeatedTurns: ['what do you do for a living'],
      repeats: 1,
    });
  });

  it('fails on low distinct-2 and on repeated turns beyond the tolerance', async () => {
    const loop = 'I like to cook pasta every single night';
    const conversation = {
      ...groundedConversation('loop'),
      turns: alternating(loop, loop, loop, loop, loop),
    };
    const verdict = await createRepetitionExpert().review(conversation, {});
    expect(verdict.passed).toBe(false);
    expect(verdict.score).toBeLessThan(0.5);
    expect(verdict.rationale).toContain('distinct-2');
    expect(verdict.rationale).toContain('4 repeated turns');

    // Up to three repeats are tolerated by default: SPC itself repeats that much.
    const thrice = {
      ...groundedConversation('thrice'),
      turns: alternating(loop, 'Really? Which sauce?', loop, 'Tomato, always.', loop, 'Nice.', loop),
    };
    expect((await createRepetitionExpert({ minDistinct2: 0 }).review(thrice, {})).passed).toBe(true);
    expect(
      (await createRepetitionExpert({ minDistinct2: 0, maxRepeatedTurns: 2 }).review(thrice, {})).passed,
    ).toBe(false);
  });
});
