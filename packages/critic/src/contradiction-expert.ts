import { type Conversation, type ExpertVerdict, type Speaker, speakerLabel } from '@parley/core';
import { detectContradiction } from '@parley/generator';
import type { DirectFilterExpert } from './expert';
import { unfilledPlaceholders } from './structure-expert';

/** A speaker's statement that contradicts one of their own persona sentences. */
export interface PersonaContradiction {
  speaker: Speaker;
  /** Index of the turn in the conversation. */
  turn: number;
  statement: string;
  attribute: string;
  rule: string;
}

/**
 * Statements by which a speaker contradicts their own persona ("I don't have any pets" from a
 * speaker whose persona says "I have two dogs"), found with the offline consistency rules of
 * profile building (detectContradiction: negation, ages, counts, marital status, diet...).
 * Only first-person statements about the speaker count: questions ("Are you married?") and
 * sentences about the other ("I'm glad you have friends") state nothing about the speaker.
 */
export function personaContradictions(conversation: Conversation): PersonaContradiction[] {
  const found: PersonaContradiction[] = [];
  const personas = { user1: conversation.user1Persona, user2: conversation.user2Persona };
  conversation.turns.forEach((turn, index) => {
    if (turn.speaker === null) return;
    for (const statement of statements(turn.text)) {
      for (const attribute of personas[turn.speaker]) {
        const rule = contradictionRule(attribute, statement);
        if (rule) found.push({ speaker: turn.speaker, turn: index, statement, attribute, rule });
      }
    }
  });
  return found;
}

// Candidates of one pair share most sentences, and scoring planted copies meets the same
// pairs again: remember recent answers (bounded).
const FINDINGS = new Map<string, string | null>();
const FINDINGS_LIMIT = 200_000;

function contradictionRule(attribute: string, statement: string): string | null {
  const key = `${attribute}\u0000${statement}`;
  let rule = FINDINGS.get(key);
  if (rule === undefined) {
    if (FINDINGS.size >= FINDINGS_LIMIT) FINDINGS.clear();
    const finding = detectContradiction(attribute, statement);
    rule = finding.contradiction ? finding.rule : null;
    FINDINGS.set(key, rule);
  }
  return rule;
}

/**
 * The first-person, non-question sentences of a turn. A sentence with an unfilled placeholder
 * ("my name is [name]") states nothing yet; the structure expert reports the placeholder.
 */
function statements(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+/)
    .map((sentence) => sentence.trim())
    .filter(
      (sentence) =>
        !sentence.endsWith('?') &&
        /\b(?:i|i'm|im|my|me)\b/i.test(sentence) &&
        !/\byou(?:r|'re|'ve)?\b/i.test(sentence) &&
        unfilledPlaceholders(sentence, '').length === 0,
    );
}

/**
 * Offline self-contradiction filter: fails when a speaker states the opposite of one of their
 * own persona sentences. It catches the plain cases (negations, other ages or counts, married
 * and single...) and misses paraphrase, which the LLM faithfulness expert is there for.
 * Score: contradictions found.
 */
export function createContradictionExpert(): DirectFilterExpert {
  return {
    type: 'direct',
    name: 'contradiction',
    kind: 'filter',
    offline: true,
    async review(conversation): Promise<ExpertVerdict> {
      const found = personaContradictions(conversation);
      return {
        expert: 'contradiction',
        kind: 'filter',
        passed: found.length === 0,
        score: found.length,
        rationale:
          found.length === 0
            ? 'no statement contradicts its speaker’s persona'
            : found
                .slice(0, 3)
                .map(
                  (item) =>
                    `${speakerLabel(item.speaker)} on line ${item.turn + 1} says ${JSON.stringify(item.statement)} against ${JSON.stringify(item.attribute)} (${item.rule})`,
                )
                .join('; '),
      };
    },
  };
}
