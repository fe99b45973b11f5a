import {
  type AcceptedConversation,
  addUsage,
  type Conversation,
  type ExpertVerdict,
  type GenerationInfo,
  type RejectedCandidate,
  type TokenUsage,
  ZERO_USAGE,
} from '@parley/core';
import { type CriticPanel, lostVoteReason } from '@parley/critic';
import { LlmCallError } from '@parley/llm';
import type { StoredCandidate, StoredPair } from './stored-candidates';

/** What re-critiquing needs of the Critic: the panel's four steps. */
export type PairCritic = Pick<CriticPanel, 'filter' | 'select' | 'accept' | 'release'>;

export interface RecritiquedPair {
  accepted?: AcceptedConversation;
  rejected: RejectedCandidate[];
  /** Filter verdicts given this time (every candidate's), for pass rates. */
  verdicts: ExpertVerdict[];
}

export interface RecritiqueScope {
  /** The id the critique's model calls are accounted under. */
  runId: string;
  /** Generator metadata of a candidate whose line has none (a formerly rejected winner). */
  generationOf(pair: StoredPair, candidate: StoredCandidate): GenerationInfo;
}

interface Review {
  stored: StoredCandidate;
  passed: boolean;
  verdicts: ExpertVerdict[];
  rejectedBy?: { expert: string; reason: string };
  /** Its generation plus the filters of this critique. */
  usage: TokenUsage;
  failure?: string;
}

/**
 * One pair through the Critic again, as a run's critique and select steps take it: every
 * candidate through the filters (offline ones first, stopping at the first failure), the vote
 * among the survivors, the winner accepted and made known to the near-duplicate index, the
 * losers let go. The lines have the shapes the run's select step gives them. A filter call that
 * fails after its retries makes that candidate a `failed` line (expert `critique`), as in a run;
 * a failed vote makes every survivor one (expert `select`), keeping its conversation. Lines
 * without a candidate are copied unchanged.
 */
export async function recritiquePair(
  pair: StoredPair,
  critic: PairCritic,
  scope: RecritiqueScope,
): Promise<RecritiquedPair> {
  const base = { run: pair.run, iteration: pair.iteration, pair: pair.pair };
  const context = { runId: scope.runId, pairId: pair.pair };
  const rejected: RejectedCandidate[] = [...pair.kept];
  const reviews: Review[] = [];
  for (const stored of pair.candidates) {
    try {
      const review = await critic.filter(stored.conversation, context);
      reviews.push({
        stored,
        passed: review.passed,
        verdicts: review.verdicts,
        ...(review.rejectedBy ? { rejectedBy: review.rejectedBy } : {}),
        usage: addUsage(stored.generationUsage, review.usage),
      });
    } catch (error) {
      if (!(error instanceof LlmCallError)) throw error;
      reviews.push({
        stored,
        passed: false,
        verdicts: [],
        usage: stored.generationUsage,
        failure: error.message,
      });
    }
  }
  const verdicts = reviews.flatMap((review) => review.verdicts);

  for (const review of reviews) {
    if (review.failure !== undefined) {
      rejected.push(failedLine(base, review, 'critique', review.failure));
    } else if (!review.passed) {
      rejected.push({
        ...base,
        candidate: review.stored.candidate,
        outcome: 'filtered',
        expert: review.rejectedBy?.expert,
        reason: review.rejectedBy?.reason ?? 'rejected by a filter',
        verdicts: review.verdicts,
        conversation: review.stored.conversation,
        usage: review.usage,
        ...review.stored.fields,
      });
    }
  }
  const survivors = reviews.filter((review) => review.passed);
  if (survivors.length === 0) return { rejected: ordered(rejected), verdicts };

  const conversations: Conversation[] = survivors.map((survivor) => survivor.stored.conversation);
  let selection: Awaited<ReturnType<PairCritic['select']>>;
  try {
    selection = await critic.select(conversations, context);
  } catch (error) {
    if (!(error instanceof LlmCallError)) throw error;
    await critic.release(conversations);
    for (const survivor of survivors) rejected.push(failedLine(base, survivor, 'select', error.message));
    return { rejected: ordered(rejected), verdicts };
  }
  const pairUsage = [...reviews.map((review) => review.usage), selection.usage].reduce<TokenUsage>(
    (sum, usage) => addUsage(sum, usage),
    { ...ZERO_USAGE },
  );

  let accepted: AcceptedConversation | undefined;
  survivors.forEach((survivor, index) => {
    const allVerdicts = [...survivor.verdicts, ...(selection.verdicts[index] ?? [])];
    const { stored } = survivor;
    if (index === selection.winnerIndex) {
      accepted = {
        ...stored.conversation,
        ...base,
        candidate: stored.candidate,
        generator: stored.generator ?? scope.generationOf(pair, stored),
        verdicts: allVerdicts,
        judgeScore: selection.judgeScores[index] ?? 0,
        usage: pairUsage,
        ...stored.fields,
      };
    } else {
      rejected.push({
        ...base,
        candidate: stored.candidate,
        outcome: 'lost-vote',
        expert: 'vote',
        reason: lostVoteReason(selection, index),
        verdicts: allVerdicts,
        conversation: stored.conversation,
        usage: survivor.usage,
        ...stored.fields,
      });
    }
  });
  if (accepted) await critic.accept(accepted);
  // The losers passed the near-duplicate check, which claimed them: a later near copy may pass now.
  const losers = conversations.filter((_, index) => index !== selection.winnerIndex);
  if (losers.length > 0) await critic.release(losers);
  return { ...(accepted ? { accepted } : {}), rejected: ordered(rejected), verdicts };
}

function failedLine(
  base: { run: string; iteration: number; pair: string },
  review: Review,
  stage: 'critique' | 'select',
  reason: string,
): RejectedCandidate {
  // Unlike a run's failed line, the conversation stays: a later critique can judge it again.
  return {
    ...base,
    candidate: review.stored.candidate,
    outcome: 'failed',
    expert: stage,
    reason,
    verdicts: review.verdicts,
    conversation: review.stored.conversation,
    usage: review.usage,
    ...review.stored.fields,
  };
}

/** Candidate order, lines without a candidate first: the same order a second critique gives. */
function ordered(lines: RejectedCandidate[]): RejectedCandidate[] {
  return lines.sort((a, b) => (a.candidate ?? -1) - (b.candidate ?? -1));
}
