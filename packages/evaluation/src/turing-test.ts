import { addUsage, type Conversation, type TokenUsage } from '@parley/core';
import { type ExpertContext, runLlmStage } from '@parley/critic';
import type { LanguageModel } from '@parley/llm';
import { type TuringSummary, turingSummary } from './evaluation-report';
import type { ReferenceMatch } from './reference-matcher';
import { type TuringPick, turingStage } from './turing-stage';

export type TuringVerdict = 'lose' | 'win' | 'tie';

/** The judge's answer for one ordering: its pick, or why it was unusable. */
export interface TuringAnswer {
  pick: TuringPick | null;
  reason?: string;
  rawOutput?: string;
}

/** One pair of the AI-detection test: a synthetic conversation and its reference, both orders. */
export interface TuringPairOutcome {
  conversationId: string;
  referenceId: string;
  sameProfiles: boolean;
  /** The synthetic conversation shown as A. */
  syntheticFirst: TuringAnswer;
  /** The reference shown as A. */
  referenceFirst: TuringAnswer;
  verdict: TuringVerdict | 'unparseable';
  usage: TokenUsage;
}

/**
 * lose: the judge took the reference for the human one in both orders; win: the synthetic one
 * in both; tie: it changed its mind with the order (a judge led by position always ties).
 */
export function turingVerdict(
  syntheticFirst: TuringPick | null,
  referenceFirst: TuringPick | null,
): TuringVerdict | 'unparseable' {
  if (syntheticFirst === null || referenceFirst === null) return 'unparseable';
  const syntheticPickedFirst = syntheticFirst === 'first';
  const syntheticPickedSecond = referenceFirst === 'second';
  if (syntheticPickedFirst && syntheticPickedSecond) return 'win';
  if (!syntheticPickedFirst && !syntheticPickedSecond) return 'lose';
  return 'tie';
}

/** Asks the judge about one pair in both orders (two calls, one after the other). */
export async function judgeTuringPair(
  judge: LanguageModel,
  synthetic: Conversation,
  match: ReferenceMatch,
  context: ExpertContext = {},
): Promise<TuringPairOutcome> {
  const syntheticFirst = await runLlmStage(
    judge,
    turingStage,
    { first: synthetic, second: match.reference },
    context,
  );
  const referenceFirst = await runLlmStage(
    judge,
    turingStage,
    { first: match.reference, second: synthetic },
    context,
  );
  const answer = (run: typeof syntheticFirst): TuringAnswer =>
    run.ok ? { pick: run.result } : { pick: null, reason: run.reason, rawOutput: run.rawOutput };
  const first = answer(syntheticFirst);
  const second = answer(referenceFirst);
  return {
    conversationId: synthetic.id,
    referenceId: match.reference.id,
    sameProfiles: match.sameProfiles,
    syntheticFirst: first,
    referenceFirst: second,
    verdict: turingVerdict(first.pick, second.pick),
    usage: addUsage(syntheticFirst.usage, referenceFirst.usage),
  };
}

/** Counts and rates of an iteration's pairs; `skipped` conversations had no pair. */
export function summarizeTuringOutcomes(
  outcomes: readonly Pick<TuringPairOutcome, 'verdict' | 'sameProfiles'>[],
  skipped = 0,
): TuringSummary {
  const judged = outcomes.filter((outcome) => outcome.verdict !== 'unparseable');
  const countOf = (verdict: TuringPairOutcome['verdict']) =>
    outcomes.filter((outcome) => outcome.verdict === verdict).length;
  return turingSummary({
    lose: countOf('lose'),
    win: countOf('win'),
    tie: countOf('tie'),
    unparseable: countOf('unparseable'),
    skipped,
    sameProfilePairs: judged.filter((outcome) => outcome.sameProfiles).length,
  });
}
