import type { Conversation } from '@parley/core';
import { MockLanguageModel } from '@parley/llm';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSpcTestConversations, spcTestCsvExists } from '../../../test/support/spc-test-split';
import { createContradictionExpert } from './contradiction-expert';
import { createCopyingExpert } from './copying-expert';
import { CriticPanel } from './critic-panel';
import { createFaithfulnessExpert } from './faithfulness-expert';
import { createGroundingExpert } from './grounding-expert';
import { personaGrounding } from './persona-grounding';
import { createRolesExpert } from './roles-expert';
import { createRubricExpert } from './rubric-expert';
import { idfWeights, type StemWeights } from './stem-weights';
import { structureProblems } from './structure-expert';
import { createTruncationExpert } from './truncation-expert';

/** Real conversations of the Synthetic-Persona-Chat test split, each fix checked on them. */
describe.skipIf(!spcTestCsvExists())('the offline experts on Synthetic-Persona-Chat (test split)', () => {
  let conversations: Conversation[];
  let weights: StemWeights;
  const find = (text: string) =>
    conversations.find((conversation) => conversation.turns.some((turn) => turn.text.includes(text)))!;
  const exchanged = (conversation: Conversation): Conversation => ({
    ...conversation,
    user1Persona: conversation.user2Persona,
    user2Persona: conversation.user1Persona,
  });
  /** One speaker pastes their whole profile, one sentence per turn. */
  const pasted = (conversation: Conversation): Conversation => {
    let next = 0;
    return {
      ...conversation,
      turns: conversation.turns.map((turn) =>
        turn.speaker === 'user1' && next < conversation.user1Persona.length
          ? { ...turn, text: `${turn.text} ${conversation.user1Persona[next++]}` }
          : turn,
      ),
    };
  };

  beforeAll(async () => {
    conversations = (await loadSpcTestConversations()).filter(
      (conversation) => conversation.turns.length >= 8,
    );
    weights = idfWeights(conversations);
  });

  it('roles: a conversation passes with its own personas and fails with them exchanged', async () => {
    const roles = createRolesExpert({ weights });
    let checked = 0;
    let exchangedFailed = 0;
    for (const conversation of conversations.slice(0, 200)) {
      const own = await roles.review(conversation, {});
      if (!own.passed || (own.score ?? 0) < 0.2) continue;
      checked++;
      if (!(await roles.review(exchanged(conversation), {})).passed) exchangedFailed++;
    }
    // Every conversation whose speakers clearly speak as themselves fails when exchanged.
    expect(checked).toBeGreaterThan(100);
    expect(exchangedFailed).toBe(checked);
    // A real SPC conversation with its roles mixed up fails as it is: User 2 tells User 1's facts.
    const confused = find('I like to play softball, sing in choir, and do taekwondo.');
    expect((await roles.review(confused, {})).passed).toBe(false);
  });

  it('copying: a speaker pasting the profile fails; grounding gives copying no credit in its score', async () => {
    const conversation = conversations.find(
      (candidate) => candidate.user1Persona.length >= 4 && candidate.turns.length >= 12,
    )!;
    const copying = createCopyingExpert();
    expect((await copying.review(conversation, {})).passed).toBe(true);
    const copy = pasted(conversation);
    const verdict = await copying.review(copy, {});
    expect(verdict.passed).toBe(false);
    expect(verdict.rationale).toContain(`User 1 copies ${conversation.user1Persona.length}`);

    const full = (candidate: Conversation) =>
      personaGrounding(candidate, { ignoreCopies: false, weights }).score;
    const copyFree = (candidate: Conversation) =>
      personaGrounding(candidate, { ignoreCopies: true, weights }).score;
    expect(full(copy)).toBeGreaterThan(full(conversation));
    expect(copyFree(copy)).toBeCloseTo(copyFree(conversation), 6);
    // The grounding verdict's score (what ranks finalists and the example pool) is the copy-free one.
    const grounding = createGroundingExpert({ weights });
    expect((await grounding.review(copy, {})).score).toBeCloseTo(copyFree(conversation), 6);
  });

  it('contradiction: finds a real SPC speaker contradicting their persona, not the ordinary ones', async () => {
    const contradiction = createContradictionExpert();
    const nurse = find("I work in a hospital, but I'm not a nurse.");
    const verdict = await contradiction.review(nurse, {});
    expect(verdict.passed).toBe(false);
    expect(verdict.rationale).toContain('"I am a nurse."');
    let failed = 0;
    for (const conversation of conversations.slice(0, 300)) {
      if (!(await contradiction.review(conversation, {})).passed) failed++;
    }
    expect(failed).toBeLessThanOrEqual(6);
  });

  it('truncation: a conversation cut off mid-sentence fails; unpunctuated closings pass', async () => {
    const truncation = createTruncationExpert();
    const cutOff = find("Me too! They're al");
    expect((await truncation.review(cutOff, {})).passed).toBe(false);
    const closing = conversations.find(
      (conversation) => conversation.turns.at(-1)!.text.trim() === 'Sounds good',
    )!;
    expect((await truncation.review({ ...closing, turns: [...closing.turns] }, {})).passed).toBe(true);
    const cut = {
      ...closing,
      turns: [...closing.turns.slice(0, 9), { ...closing.turns[9]!, text: 'Me too! I love' }],
    };
    expect((await truncation.review(cut, {})).passed).toBe(false);
  });

  it("placeholders: text a speaker's own persona holds is not one; [name] still is", () => {
    const conversation = conversations.find((candidate) =>
      structureProblems(candidate).every((problem) => !problem.includes('placeholder')),
    )!;
    const withBlog: Conversation = {
      ...conversation,
      user1Persona: [...conversation.user1Persona, 'My blog is called <Kitchen Diaries>.'],
      turns: conversation.turns.map((turn, index) =>
        index === 2 ? { ...turn, text: `${turn.text} Have you read my blog, <Kitchen Diaries>?` } : turn,
      ),
    };
    expect(structureProblems(withBlog)).toEqual([]);
    const unfilled = {
      ...withBlog,
      turns: withBlog.turns.map((turn, index) =>
        index === 3 ? { ...turn, text: `${turn.text} I'm <name>.` } : turn,
      ),
    };
    expect(structureProblems(unfilled)).toEqual(['line 4 has an unfilled placeholder <name>']);
  });

  it('an unusable answer is marked unparseable, apart from a verdict', async () => {
    const garbage = new MockLanguageModel({ answers: 'Looks fine to me!' });
    const panel = new CriticPanel({
      filters: [createFaithfulnessExpert({ model: 'judge' })],
      ranking: { mode: 'rubric', expert: createRubricExpert({ policies: ['depth'], model: 'judge' }) },
      models: { judge: garbage },
    });
    const review = await panel.filter(conversations[0]!);
    expect(review.verdicts).toEqual([
      expect.objectContaining({ expert: 'faithfulness', passed: false, unparseable: true }),
    ]);
  });

  it('rubric mode grades a lone finalist too, so every accepted conversation has a grade on one scale', async () => {
    const model = new MockLanguageModel({
      answers: { conversations: [{ conversation: 1, reasoning: 'warm', scores: { depth: 8 } }] },
    });
    const panel = new CriticPanel({
      filters: [],
      ranking: { mode: 'rubric', expert: createRubricExpert({ policies: ['depth'], model: 'judge' }) },
      models: { judge: model },
    });
    const selection = await panel.select([conversations[1]!]);
    expect(model.calls).toHaveLength(1);
    expect(selection.winnerIndex).toBe(0);
    expect(selection.verdicts[0]?.[0]).toMatchObject({ expert: 'rubric', score: 7 / 9 });
    expect(selection.judgeScores[0]).toBeCloseTo(7 / 9);
  });
});
