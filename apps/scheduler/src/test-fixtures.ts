import type { AcceptedConversation } from '@parley/core';

/** A valid accepted conversation of run r1 (iteration 1 unless given), for tests. */
export function acceptedConversation(
  id: string,
  judgeScore: number,
  text = 'hello',
  iteration = 1,
): AcceptedConversation {
  return {
    id,
    run: 'r1',
    iteration,
    pair: `pair-${id}`,
    candidate: 0,
    user1Persona: ['I like tea.'],
    user2Persona: ['I like coffee.'],
    turns: [
      { speaker: 'user1', text },
      { speaker: 'user2', text: 'hi' },
    ],
    generator: { model: 'sim', fewShotIds: [], usage: { inputTokens: 10, outputTokens: 5 } },
    judgeScore,
    verdicts: [],
    usage: { inputTokens: 20, outputTokens: 8 },
  };
}
