import type { Conversation, ProfilePair } from '@parley/core';
import { describe, expect, it } from 'vitest';
import { exampleDrawKey, exampleDrawKeyOf, pickExamples } from './pick-examples';

const pair: ProfilePair = {
  id: 'p1',
  user1: { id: 'a', attributes: ['I like tea.'] },
  user2: { id: 'b', attributes: ['I like coffee.'] },
};

/** An iteration's pool: the run's own conversations, whose ids start with the run id. */
function poolOf(runId: string): Conversation[] {
  return Array.from({ length: 12 }, (_, index) => ({
    id: `${runId}.1.pair-${index}.0`,
    user1Persona: [`fact ${index}`],
    user2Persona: [`other ${index}`],
    turns: [{ speaker: 'user1', text: `hello ${index}` }],
  }));
}

describe('pickExamples', () => {
  it('draws the same examples in every run of the job, whatever the run id', () => {
    const key = exampleDrawKey(7, 2, 'p1', 0);
    const first = pickExamples(poolOf('demo-20261204-101500-ab12'), pair, 5, key).map(
      (e) => e.id.split('.')[2],
    );
    const second = pickExamples(poolOf('demo-20261204-111500-cd34'), pair, 5, key).map(
      (e) => e.id.split('.')[2],
    );
    expect(first).toEqual(second);
    const otherSeed = pickExamples(poolOf('demo-1'), pair, 5, exampleDrawKey(8, 2, 'p1', 0));
    expect(otherSeed.map((e) => e.id.split('.')[2])).not.toEqual(first);
  });

  it('retells the draw key of a generated conversation from its id', () => {
    expect(exampleDrawKeyOf('demo-20261204-101500-ab12.2.p1.0', 7)).toBe(exampleDrawKey(7, 2, 'p1', 0));
    expect(exampleDrawKeyOf('parley-seed-07', 7)).toBeUndefined();
  });
});
