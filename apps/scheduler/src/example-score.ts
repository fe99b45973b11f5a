import type { AcceptedConversation } from '@parley/core';

/**
 * The score that ranks accepted conversations for the next few-shot pool; it must compare
 * conversations of different pairs. The judge score cannot: it is a share of wins against the
 * pair's own siblings (a lone finalist gets 0.5). In order:
 * 1. the rubric grade (`mode: rubric`; the panel grades every finalist, a lone one included),
 *    one 1–10 scale for every conversation;
 * 2. otherwise the grounding expert's score (pairwise mode): how much of their own persona the
 *    speakers bring up, persona words weighted by their rarity in the seed, copied persona
 *    sentences left out;
 * 3. otherwise (neither expert ran) the judge score.
 */
export function exampleScore(conversation: AcceptedConversation): number {
  const rubric = conversation.verdicts.find(
    (verdict) => verdict.expert === 'rubric' && verdict.score !== undefined && !verdict.unparseable,
  );
  if (rubric?.score !== undefined) return rubric.score;
  const grounding = conversation.verdicts.find(
    (verdict) => verdict.expert === 'grounding' && verdict.score !== undefined,
  );
  if (grounding?.score !== undefined) return grounding.score;
  return conversation.judgeScore;
}
