import { ConfigError, criticConfigSchema } from '@parley/core';
import { MockLanguageModel, type ModerationModel } from '@parley/llm';
import { describe, expect, it } from 'vitest';
import { createCriticPanel } from './create-critic-panel';
import { groundedConversation } from './test-fixtures';

const FAITHFUL = { reasoning: 'consistent', contradictions: [], faithful: true };
const CLEAN = { reasoning: 'friendly', categories: [], toxic: false };

describe('createCriticPanel', () => {
  it('builds the default panel: offline filters, LLM filters, five pairwise policies', () => {
    const judge = new MockLanguageModel({ answers: {} });
    const panel = createCriticPanel(criticConfigSchema.parse({ model: 'judge' }), { models: { judge } });
    expect(panel.filters.map((expert) => `${expert.name}:${expert.type}`)).toEqual([
      'structure:direct',
      'repetition:direct',
      'grounding:direct',
      'roles:direct',
      'copying:direct',
      'contradiction:direct',
      'truncation:direct',
      'near-duplicate:direct',
      'toxicity:model',
      'faithfulness:model',
    ]);
    expect(panel.ranking.mode).toBe('pairwise');
    expect(panel.ranking.mode === 'pairwise' && panel.ranking.experts.map((expert) => expert.name)).toEqual([
      'depth',
      'coherency',
      'consistency',
      'diversity',
      'likeability',
    ]);
  });

  it('routes each expert to its model override and uses the structure bounds given', async () => {
    const judge = new MockLanguageModel({ answers: CLEAN, modelId: 'mock:judge' });
    const careful = new MockLanguageModel({ answers: FAITHFUL, modelId: 'mock:careful' });
    const config = criticConfigSchema.parse({ model: 'judge', models: { faithfulness: 'careful' } });
    const panel = createCriticPanel(config, {
      models: { judge, careful },
      structure: { minTurnsPerSpeaker: 3, maxTurnsPerSpeaker: 3 },
    });
    const review = await panel.filter(groundedConversation('c'));
    expect(review.passed).toBe(true);
    expect(judge.calls.map((call) => call.stage)).toEqual(['critique:toxicity']);
    expect(careful.calls.map((call) => call.stage)).toEqual(['critique:faithfulness']);
    const strict = createCriticPanel(config, {
      models: { judge, careful },
      structure: { minTurnsPerSpeaker: 4 },
    });
    expect((await strict.filter(groundedConversation('c'))).rejectedBy?.expert).toBe('structure');
  });

  it('uses the rubric, the word list or the moderation endpoint when the config says so', async () => {
    const judge = new MockLanguageModel({ answers: FAITHFUL });
    const rubric = createCriticPanel(
      criticConfigSchema.parse({ model: 'judge', mode: 'rubric', toxicity: 'wordlist', policies: ['depth'] }),
      { models: { judge } },
    );
    expect(rubric.ranking.mode === 'rubric' && rubric.ranking.expert.policies).toEqual(['depth']);
    expect(rubric.filters.find((expert) => expert.name === 'toxicity')).toMatchObject({
      type: 'direct',
      offline: true,
    });

    const moderation: ModerationModel = {
      provider: 'openai',
      modelId: 'omni-moderation-latest',
      moderate: async (texts) => texts.map(() => ({ flagged: false, scores: {} })),
    };
    const moderated = createCriticPanel(
      criticConfigSchema.parse({ model: 'judge', toxicity: 'moderation' }),
      {
        models: { judge },
        moderation,
      },
    );
    const review = await moderated.filter(groundedConversation('m'));
    expect(review.verdicts.find((verdict) => verdict.expert === 'toxicity')?.model).toBe(
      'openai:omni-moderation-latest',
    );
  });

  it('reports every problem of the config at once', () => {
    const config = criticConfigSchema.parse({
      model: 'judge',
      toxicity: 'moderation',
      models: { faithfullness: 'x' },
    });
    try {
      createCriticPanel(config, { models: { judge: new MockLanguageModel({ answers: {} }) } });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems.map((problem) => problem.path)).toEqual([
        'critic.models.faithfullness',
        'critic.toxicity',
      ]);
    }
  });
});
