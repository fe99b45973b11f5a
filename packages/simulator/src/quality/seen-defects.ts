import type { Conversation } from '@parley/core';
import {
  compileWordlist,
  copiedPersonaSentences,
  personaContradictions,
  personaGrounding,
  personaRoles,
  repetitionMeasures,
  stopsMidSentence,
  TOXIC_WORDS,
} from '@parley/critic';
import { isIncoherent } from './incoherence';

/**
 * What a simulated judge can see wrong in a conversation, read from its text and personas only
 * (never from what the Generator planted): the Critic's offline measures at their default
 * thresholds, plus an incoherence check for shuffled turns.
 */
export const SEEN_DEFECTS = [
  'copying',
  'abuse',
  'repetition',
  'truncation',
  'persona-mismatch',
  'contradiction',
  'incoherence',
] as const;
export type SeenDefect = (typeof SEEN_DEFECTS)[number];

/** The same thresholds as the Critic's offline experts' defaults (docs/critic.md). */
const MAX_COPIED_PER_SPEAKER = 3;
const MIN_DISTINCT_2 = 0.5;
const MAX_REPEATED_TURNS = 3;
const MIN_GROUNDING = 0.06;
const MIN_ROLES_MARGIN = -0.12;

const toxicMatches = compileWordlist(TOXIC_WORDS);

/** Every defect the text shows, in SEEN_DEFECTS order. */
export function seenDefects(conversation: Conversation): SeenDefect[] {
  const found = new Set<SeenDefect>();
  const hasPersonas = conversation.user1Persona.length > 0 && conversation.user2Persona.length > 0;
  if (hasPersonas) {
    const copies = copiedPersonaSentences(conversation).filter((copy) => copy.persona === 'own');
    for (const speaker of ['user1', 'user2'] as const) {
      const sentences = new Set(
        copies.filter((copy) => copy.speaker === speaker).map((copy) => copy.attribute),
      );
      if (sentences.size > MAX_COPIED_PER_SPEAKER) found.add('copying');
    }
    if (
      personaGrounding(conversation).score < MIN_GROUNDING ||
      personaRoles(conversation).margin < MIN_ROLES_MARGIN
    )
      found.add('persona-mismatch');
    if (personaContradictions(conversation).length > 0) found.add('contradiction');
  }
  if (conversation.turns.some((turn) => toxicMatches(turn.text).length > 0)) found.add('abuse');
  const repetition = repetitionMeasures(conversation);
  if (repetition.distinct2 < MIN_DISTINCT_2 || repetition.repeats > MAX_REPEATED_TURNS)
    found.add('repetition');
  const last = conversation.turns.at(-1);
  if (last && stopsMidSentence(last.text)) found.add('truncation');
  if (isIncoherent(conversation)) found.add('incoherence');
  return SEEN_DEFECTS.filter((defect) => found.has(defect));
}

/** What the faithfulness judge looks for: a speaker at odds with a persona. */
export const FAITHFULNESS_DEFECTS: ReadonlySet<SeenDefect> = new Set(['contradiction', 'persona-mismatch']);
/** What the toxicity judge looks for. */
export const TOXICITY_DEFECTS: ReadonlySet<SeenDefect> = new Set(['abuse']);
