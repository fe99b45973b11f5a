import { describe, expect, it } from 'vitest';
import { InMemoryNearDuplicateIndex } from './in-memory-near-duplicate-index';
import { createNearDuplicateExpert } from './near-duplicate-expert';
import { alternating, groundedConversation } from './test-fixtures';

describe('near-duplicate expert', () => {
  it('passes until a near copy was accepted, then rejects the copy but not a different one', async () => {
    const index = new InMemoryNearDuplicateIndex();
    const expert = createNearDuplicateExpert({ index });
    const original = groundedConversation('original');
    const copy = { ...groundedConversation('copy', 'original'), id: 'copy' };
    const different = {
      ...original,
      id: 'different',
      turns: alternating(
        'Good morning! Did you watch the football match yesterday evening?',
        'No, I was at a wedding all weekend in the countryside.',
        'Weddings are fun. Was the food any good out there?',
        'The cake was enormous and the band played until three.',
      ),
    };
    expect(await expert.review(copy, {})).toMatchObject({
      passed: true,
      rationale: 'no accepted or claimed conversation at similarity ≥ 0.8',
    });
    await expert.accept!(original);
    const verdict = await expert.review(copy, {});
    expect(verdict).toMatchObject({ expert: 'near-duplicate', passed: false, score: 1 });
    expect(verdict.rationale).toContain(
      'closest accepted or claimed conversation original at similarity 1.000',
    );
    expect(await expert.review(different, {})).toMatchObject({ passed: true });
  });

  it('does not count a conversation as a duplicate of itself', async () => {
    const expert = createNearDuplicateExpert();
    const conversation = groundedConversation('same');
    await expert.accept!(conversation);
    expect((await expert.review(conversation, {})).passed).toBe(true);
  });
});

describe('near-duplicate claims in the panel', () => {
  it('releases the claim of a candidate that a later filter rejects, and of survivors the caller releases', async () => {
    const { CriticPanel } = await import('./critic-panel');
    const index = new InMemoryNearDuplicateIndex();
    const rejectAll = {
      type: 'direct' as const,
      name: 'no',
      kind: 'filter' as const,
      offline: true,
      review: async () => ({ expert: 'no', kind: 'filter' as const, passed: false, rationale: 'no' }),
    };
    const panel = (filters: ConstructorParameters<typeof CriticPanel>[0]['filters']) =>
      new CriticPanel({
        filters,
        ranking: {
          mode: 'rubric',
          expert: {
            type: 'rubric',
            name: 'rubric',
            kind: 'ranker',
            model: 'm',
            policies: ['depth'],
            stage: {} as never,
          },
        },
        models: { m: {} as never },
      });
    const original = groundedConversation('original');
    const copy = { ...groundedConversation('copy', 'original'), id: 'copy' };
    expect((await panel([createNearDuplicateExpert({ index }), rejectAll]).filter(original)).passed).toBe(
      false,
    );
    expect(index.size).toBe(0);
    const passing = panel([createNearDuplicateExpert({ index })]);
    expect((await passing.filter(original)).passed).toBe(true);
    expect((await passing.filter(copy)).rejectedBy?.expert).toBe('near-duplicate');
    await passing.release([original]);
    expect((await passing.filter(copy)).passed).toBe(true);
  });
});
