import type { ModerationModel, ModerationVerdict } from '@parley/llm';
import { describe, expect, it } from 'vitest';
import { alternating, groundedConversation } from './test-fixtures';
import { createToxicityModerationExpert } from './toxicity-moderation-expert';

function moderationModel(verdictOf: (text: string) => ModerationVerdict) {
  const calls: string[][] = [];
  const model: ModerationModel = {
    provider: 'openai',
    modelId: 'omni-moderation-latest',
    async moderate(texts) {
      calls.push(texts);
      return texts.map(verdictOf);
    },
  };
  return { model, calls };
}

describe('moderation toxicity expert', () => {
  const conversation = { ...groundedConversation('m'), turns: alternating('Hello!', '', 'I will hurt you.') };

  it('sends the non-empty turns and fails when one is flagged, naming line and category', async () => {
    const { model, calls } = moderationModel(
      (text): ModerationVerdict =>
        text.includes('hurt')
          ? { flagged: true, scores: { violence: 0.91, harassment: 0.3 } }
          : { flagged: false, scores: { violence: 0.01 } },
    );
    const verdict = await createToxicityModerationExpert({ model }).review(conversation, {});
    expect(calls).toEqual([['Hello!', 'I will hurt you.']]);
    expect(verdict).toMatchObject({
      expert: 'toxicity',
      passed: false,
      score: 0.91,
      model: 'openai:omni-moderation-latest',
    });
    expect(verdict.rationale).toBe('moderation flagged line 3 (violence 0.91)');
  });

  it('trusts the endpoint unless a threshold is set', async () => {
    const { model } = moderationModel(() => ({ flagged: false, scores: { harassment: 0.4 } }));
    expect((await createToxicityModerationExpert({ model }).review(conversation, {})).passed).toBe(true);
    expect(
      (await createToxicityModerationExpert({ model, threshold: 0.3 }).review(conversation, {})).passed,
    ).toBe(false);
  });
});
