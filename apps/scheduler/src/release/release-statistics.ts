import type { AcceptedConversation, ExpertVerdict, RejectedCandidate } from '@parley/core';
import { z } from 'zod';
import { compareCodeUnits } from './canonical-json';
import type { IterationFacts } from './release-input';

/** How often one expert's filter verdict said `passed`. */
export const expertPassRateSchema = z.object({
  /** Verdicts of this expert that carry `passed`. */
  evaluated: z.number().int().nonnegative(),
  passed: z.number().int().nonnegative(),
  /** passed / evaluated; 0 when nothing was evaluated. */
  passRate: z.number().min(0).max(1),
});
export type ExpertPassRate = z.infer<typeof expertPassRateSchema>;

const pairCountsShape = {
  pairsPlanned: z.number().int().nonnegative(),
  /** Pairs with an accepted conversation. */
  accepted: z.number().int().nonnegative(),
  /** Pairs not accepted whose candidates all failed, or that failed as a whole. */
  failed: z.number().int().nonnegative(),
  /** Pairs not accepted whose candidates the Critic dropped. */
  rejected: z.number().int().nonnegative(),
  /** Planned pairs with no line at all (the run stopped before they settled). */
  unsettled: z.number().int().nonnegative(),
  /** accepted / pairsPlanned; 0 when nothing was planned. */
  acceptanceRate: z.number().min(0),
  /** Candidate lines by outcome: the accepted ones and rejected.jsonl's. */
  candidates: z.object({
    accepted: z.number().int().nonnegative(),
    filtered: z.number().int().nonnegative(),
    lostVote: z.number().int().nonnegative(),
    failed: z.number().int().nonnegative(),
  }),
  /** Mean judge score of the accepted conversations; null when there are none. */
  meanJudgeScore: z.number().nullable(),
  /** Mean number of turns of the accepted conversations; null when there are none. */
  meanTurns: z.number().nullable(),
  /** Expert name to pass rate over every verdict with `passed`, of accepted and rejected candidates. */
  experts: z.record(z.string(), expertPassRateSchema),
};

export const iterationStatisticsSchema = z.object({
  iteration: z.number().int().positive(),
  ...pairCountsShape,
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  examplePoolIds: z.array(z.string()),
});
export type IterationStatistics = z.infer<typeof iterationStatisticsSchema>;

export const releaseTotalsSchema = z.object(pairCountsShape);
export type ReleaseTotals = z.infer<typeof releaseTotalsSchema>;

/**
 * Per-iteration and overall counts. A pair is accepted when it has an accepted line; failed
 * when not accepted and its rejected lines say the pair failed (a line with no candidate) or
 * every one of them is a failure; rejected when it has other rejected lines; unsettled when a
 * planned pair has no line at all.
 */
export function computeReleaseStatistics(
  facts: readonly IterationFacts[],
  accepted: ReadonlyArray<
    Pick<AcceptedConversation, 'iteration' | 'pair' | 'judgeScore'> & {
      turnCount: number;
      verdicts: readonly VerdictOutcome[];
    }
  >,
  rejected: ReadonlyArray<
    Pick<RejectedCandidate, 'iteration' | 'pair' | 'candidate' | 'outcome'> & {
      verdicts: readonly VerdictOutcome[];
    }
  >,
): { iterations: IterationStatistics[]; totals: ReleaseTotals } {
  const tallies = new Map<number, Tally>();
  const tallyOf = (iteration: number): Tally => {
    let tally = tallies.get(iteration);
    if (!tally) {
      tally = newTally();
      tallies.set(iteration, tally);
    }
    return tally;
  };
  for (const record of accepted) {
    const tally = tallyOf(record.iteration);
    tally.acceptedPairs.add(record.pair);
    tally.candidates.accepted += 1;
    tally.judgeScoreSum += record.judgeScore;
    tally.turnSum += record.turnCount;
    countVerdicts(tally.experts, record.verdicts);
  }
  for (const record of rejected) {
    const tally = tallyOf(record.iteration);
    const pair = tally.rejectedPairs.get(record.pair) ?? { lines: 0, failures: 0, pairFailed: false };
    pair.lines += 1;
    if (record.outcome === 'failed') {
      pair.failures += 1;
      if (record.candidate === null) pair.pairFailed = true;
      tally.candidates.failed += 1;
    } else if (record.outcome === 'filtered') {
      tally.candidates.filtered += 1;
    } else {
      tally.candidates.lostVote += 1;
    }
    tally.rejectedPairs.set(record.pair, pair);
    countVerdicts(tally.experts, record.verdicts);
  }

  const iterations = [...facts]
    .sort((a, b) => a.iteration - b.iteration)
    .map((fact): IterationStatistics => {
      const counts = countsOf(fact.pairsPlanned, tallyOf(fact.iteration));
      return {
        iteration: fact.iteration,
        ...counts,
        ...(fact.startedAt === undefined ? {} : { startedAt: fact.startedAt }),
        ...(fact.finishedAt === undefined ? {} : { finishedAt: fact.finishedAt }),
        examplePoolIds: fact.examplePoolIds,
      };
    });
  const overall = newTally();
  let pairsPlanned = 0;
  for (const fact of facts) {
    pairsPlanned += fact.pairsPlanned;
    mergeTally(overall, tallyOf(fact.iteration), fact.iteration);
  }
  return { iterations, totals: countsOf(pairsPlanned, overall) };
}

interface PairLines {
  lines: number;
  failures: number;
  pairFailed: boolean;
}

interface Tally {
  acceptedPairs: Set<string>;
  rejectedPairs: Map<string, PairLines>;
  candidates: ReleaseTotals['candidates'];
  judgeScoreSum: number;
  turnSum: number;
  experts: Map<string, { evaluated: number; passed: number }>;
}

function newTally(): Tally {
  return {
    acceptedPairs: new Set(),
    rejectedPairs: new Map(),
    candidates: { accepted: 0, filtered: 0, lostVote: 0, failed: 0 },
    judgeScoreSum: 0,
    turnSum: 0,
    experts: new Map(),
  };
}

/** Adds one iteration's tally to the overall one; pair names are only unique within an iteration. */
function mergeTally(target: Tally, source: Tally, iteration: number): void {
  for (const pair of source.acceptedPairs) target.acceptedPairs.add(`${iteration}/${pair}`);
  for (const [pair, lines] of source.rejectedPairs) target.rejectedPairs.set(`${iteration}/${pair}`, lines);
  target.candidates.accepted += source.candidates.accepted;
  target.candidates.filtered += source.candidates.filtered;
  target.candidates.lostVote += source.candidates.lostVote;
  target.candidates.failed += source.candidates.failed;
  target.judgeScoreSum += source.judgeScoreSum;
  target.turnSum += source.turnSum;
  for (const [expert, counts] of source.experts) {
    const into = target.experts.get(expert) ?? { evaluated: 0, passed: 0 };
    into.evaluated += counts.evaluated;
    into.passed += counts.passed;
    target.experts.set(expert, into);
  }
}

/** The part of a verdict pass rates read. */
export type VerdictOutcome = Pick<ExpertVerdict, 'expert' | 'passed'>;

function countVerdicts(experts: Tally['experts'], verdicts: readonly VerdictOutcome[]): void {
  for (const verdict of verdicts) {
    if (verdict.passed === undefined) continue;
    const counts = experts.get(verdict.expert) ?? { evaluated: 0, passed: 0 };
    counts.evaluated += 1;
    if (verdict.passed) counts.passed += 1;
    experts.set(verdict.expert, counts);
  }
}

function countsOf(pairsPlanned: number, tally: Tally): ReleaseTotals {
  let failed = 0;
  let rejected = 0;
  for (const [pair, lines] of tally.rejectedPairs) {
    if (tally.acceptedPairs.has(pair)) continue;
    if (lines.pairFailed || lines.failures === lines.lines) failed += 1;
    else rejected += 1;
  }
  const accepted = tally.acceptedPairs.size;
  const conversations = tally.candidates.accepted;
  const experts: Record<string, ExpertPassRate> = {};
  for (const name of [...tally.experts.keys()].sort(compareCodeUnits)) {
    const counts = tally.experts.get(name) as { evaluated: number; passed: number };
    experts[name] = { ...counts, passRate: counts.evaluated === 0 ? 0 : counts.passed / counts.evaluated };
  }
  return {
    pairsPlanned,
    accepted,
    failed,
    rejected,
    unsettled: Math.max(0, pairsPlanned - accepted - failed - rejected),
    acceptanceRate: pairsPlanned === 0 ? 0 : accepted / pairsPlanned,
    candidates: { ...tally.candidates },
    meanJudgeScore: conversations === 0 ? null : tally.judgeScoreSum / conversations,
    meanTurns: conversations === 0 ? null : tally.turnSum / conversations,
    experts,
  };
}
