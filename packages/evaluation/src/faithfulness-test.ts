import type { Conversation, Speaker, TokenUsage } from '@parley/core';
import { type ExpertContext, runLlmStage } from '@parley/critic';
import type { LanguageModel } from '@parley/llm';
import { type FaithfulnessSummary, faithfulnessSummary } from './evaluation-report';
import { faithfulnessTestStage } from './faithfulness-stage';
import {
  DISTRACTOR_KINDS,
  type DistractorKind,
  type FaithfulnessItem,
  type PersonaStatement,
} from './persona-statements';

/** One question of the faithfulness test and what the judge selected. */
export interface FaithfulnessOutcome {
  conversationId: string;
  speaker: Speaker;
  statements: PersonaStatement[];
  /** 0-based indices into `statements`; null when the answer was unusable. */
  selected: number[] | null;
  reason?: string;
  rawOutput?: string;
  usage: TokenUsage;
}

/** Asks the judge which statements the speaker holds. */
export async function judgeFaithfulnessItem(
  judge: LanguageModel,
  conversation: Conversation,
  item: FaithfulnessItem,
  context: ExpertContext = {},
): Promise<FaithfulnessOutcome> {
  const run = await runLlmStage(
    judge,
    faithfulnessTestStage,
    {
      conversation,
      speaker: item.speaker,
      statements: item.statements.map((statement) => statement.text),
    },
    context,
  );
  return {
    conversationId: item.conversationId,
    speaker: item.speaker,
    statements: item.statements,
    selected: run.ok ? run.result : null,
    ...(run.ok ? {} : { reason: run.reason, rawOutput: run.rawOutput }),
    usage: run.usage,
  };
}

/**
 * Micro-averaged precision and recall of an iteration's questions, and how often each kind of
 * distractor was wrongly selected. `skipped`: speakers with no persona.
 */
export function summarizeFaithfulnessOutcomes(
  outcomes: readonly Pick<FaithfulnessOutcome, 'statements' | 'selected'>[],
  skipped = 0,
): FaithfulnessSummary {
  let realShown = 0;
  let selected = 0;
  let correct = 0;
  const distractors = Object.fromEntries(
    DISTRACTOR_KINDS.map((kind) => [kind, { shown: 0, picked: 0 }]),
  ) as Record<DistractorKind, { shown: number; picked: number }>;
  const judged = outcomes.filter((outcome) => outcome.selected !== null);
  for (const outcome of judged) {
    const picked = new Set(outcome.selected);
    outcome.statements.forEach((statement, index) => {
      const isPicked = picked.has(index);
      if (statement.kind === 'real') {
        realShown++;
        if (isPicked) correct++;
      } else {
        distractors[statement.kind].shown++;
        if (isPicked) distractors[statement.kind].picked++;
      }
    });
    selected += picked.size;
  }
  return faithfulnessSummary({
    items: judged.length,
    unparseable: outcomes.length - judged.length,
    skipped,
    realShown,
    selected,
    correct,
    distractors,
  });
}
