import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AcceptedConversation, Conversation, ExpertVerdict } from '@parley/core';
import { createGroundingExpert, idfWeights } from '@parley/critic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSpcTestConversations, spcTestCsvExists } from '../../../test/support/spc-test-split';
import { bestOfIteration } from './example-pool';
import { exampleScore } from './example-score';

function accepted(
  conversation: Conversation,
  verdicts: ExpertVerdict[],
  judgeScore = 0.5,
): AcceptedConversation {
  return {
    ...conversation,
    run: 'r1',
    iteration: 1,
    pair: `pair-${conversation.id}`,
    candidate: 0,
    generator: { model: 'sim', fewShotIds: [], usage: { inputTokens: 1, outputTokens: 1 } },
    judgeScore,
    verdicts,
    usage: { inputTokens: 1, outputTokens: 1 },
  };
}

describe.skipIf(!spcTestCsvExists())('the example pool on Synthetic-Persona-Chat conversations', () => {
  let folder: string;
  let conversations: Conversation[];
  beforeAll(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'parley-example-score-'));
    conversations = (await loadSpcTestConversations()).filter(
      (conversation) => conversation.turns.length >= 8,
    );
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('ranks lone finalists (judge score 0.5 each) by their grounding, one scale across pairs', async () => {
    const grounding = createGroundingExpert({ weights: idfWeights(conversations) });
    const lines: AcceptedConversation[] = [];
    for (const conversation of conversations.slice(0, 40)) {
      lines.push(accepted(conversation, [await grounding.review(conversation, {})]));
    }
    const file = path.join(folder, '1.accepted.jsonl');
    await writeFile(file, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
    const pool = await bestOfIteration(file, 5);
    const expected = [...lines]
      .sort((a, b) => exampleScore(b) - exampleScore(a) || (a.id < b.id ? -1 : 1))
      .slice(0, 5)
      .map((line) => line.id);
    expect(pool.map((conversation) => conversation.id)).toEqual(expected);
    // Not "the first five by id", which a judge score of 0.5 for everyone gave.
    expect(pool.map((conversation) => conversation.id)).not.toEqual(lines.slice(0, 5).map((line) => line.id));
    const scores = lines.map(exampleScore);
    expect(new Set(scores).size).toBeGreaterThan(30);
  });

  it('prefers the rubric grade to grounding, and falls back to the judge score', () => {
    const [first, second] = conversations;
    const graded = accepted(first!, [
      { expert: 'grounding', kind: 'filter', passed: true, score: 0.9, rationale: 'g' },
      { expert: 'rubric', kind: 'ranker', score: 0.3, rationale: 'r' },
    ]);
    expect(exampleScore(graded)).toBe(0.3);
    const unusable = accepted(first!, [
      { expert: 'grounding', kind: 'filter', passed: true, score: 0.9, rationale: 'g' },
      { expert: 'rubric', kind: 'ranker', rationale: 'unparseable verdict (x): no vote', unparseable: true },
    ]);
    expect(exampleScore(unusable)).toBe(0.9);
    expect(exampleScore(accepted(second!, [], 0.75))).toBe(0.75);
  });
});
