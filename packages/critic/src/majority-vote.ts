import type { FedPolicy } from '@parley/core';

export interface MajorityVoteInput {
  policies: readonly FedPolicy[];
  /** Per policy, each finalist's points (pairwise wins or rubric grade); null when it has none. */
  points: Partial<Record<FedPolicy, ReadonlyArray<number | null>>>;
  /** Each finalist's judge score, the first tie-break. */
  judgeScores: readonly number[];
  /** Each finalist's persona-grounding score, the second tie-break. */
  groundingScores: readonly number[];
}

export interface MajorityVoteResult {
  /** Index of the chosen finalist. */
  winner: number;
  /** Policies each finalist won. */
  votes: number[];
  /** Each policy's winner; null when the top was tied or the policy had no data (it abstains). */
  policyWinners: Partial<Record<FedPolicy, number | null>>;
  /** What settled it: a plurality of policies, or a tie-break. */
  decidedBy: 'majority' | 'judge score' | 'grounding' | 'index';
}

const EPSILON = 1e-9;

/**
 * The paper's vote: each policy backs its best finalist (a tie at the top abstains), the
 * finalist backed by most policies wins; ties are broken by judge score, then grounding, then
 * the lower index, so the same inputs always pick the same conversation.
 */
export function majorityVote(input: MajorityVoteInput): MajorityVoteResult {
  const count = input.judgeScores.length;
  if (count === 0) throw new RangeError('majorityVote: no finalists');
  const votes = new Array<number>(count).fill(0);
  const policyWinners: MajorityVoteResult['policyWinners'] = {};
  for (const policy of input.policies) {
    const points = input.points[policy] ?? [];
    const leaders = best(
      Array.from({ length: count }, (_, index) => index).filter((index) => typeof points[index] === 'number'),
      (index) => points[index]!,
    );
    const winner = leaders.length === 1 ? leaders[0]! : null;
    policyWinners[policy] = winner;
    if (winner !== null) votes[winner]!++;
  }
  let contenders = best(
    Array.from({ length: count }, (_, index) => index),
    (index) => votes[index]!,
  );
  if (contenders.length === 1) return { winner: contenders[0]!, votes, policyWinners, decidedBy: 'majority' };
  contenders = best(contenders, (index) => input.judgeScores[index]!);
  if (contenders.length === 1)
    return { winner: contenders[0]!, votes, policyWinners, decidedBy: 'judge score' };
  contenders = best(contenders, (index) => input.groundingScores[index] ?? 0);
  if (contenders.length === 1)
    return { winner: contenders[0]!, votes, policyWinners, decidedBy: 'grounding' };
  return { winner: Math.min(...contenders), votes, policyWinners, decidedBy: 'index' };
}

/** The items whose value is highest (within EPSILON). */
function best(items: number[], value: (item: number) => number): number[] {
  if (items.length === 0) return [];
  const top = Math.max(...items.map(value));
  return items.filter((item) => value(item) >= top - EPSILON);
}
