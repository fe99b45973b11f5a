import type { Conversation, Speaker } from '@parley/core';
import { wordTokens } from './text-tokens';

/** Persona sentences shorter than this many words are too generic to call a copy ("I am tall."). */
export const MIN_COPIED_WORDS = 3;
/** Share of a persona sentence's words that must appear in one unbroken run to count as copied. */
export const COPIED_SHARE = 0.8;

/** One persona sentence found (nearly) verbatim in a turn. */
export interface CopiedSentence {
  /** The speaker of the turn. */
  speaker: Speaker;
  /** Whose persona the sentence is from. */
  persona: 'own' | 'other';
  attribute: string;
  /** Index of the turn in the conversation. */
  turn: number;
  /** Word positions [start, end) of the copied run in the turn's wordTokens. */
  start: number;
  end: number;
}

/**
 * Persona sentences that occur (nearly) verbatim in the turns: case, punctuation and spacing do
 * not count, and a run of at least 80 % of the sentence's words in their order is a copy ("I
 * like to dance at the club, run a dog obedience school..." copies "I like to dance at the
 * club."). Each copy is reported, twice when a turn holds the sentence twice.
 */
export function copiedPersonaSentences(conversation: Conversation): CopiedSentence[] {
  const found: CopiedSentence[] = [];
  const personas = { user1: conversation.user1Persona, user2: conversation.user2Persona };
  conversation.turns.forEach((turn, index) => {
    if (turn.speaker === null) return;
    const words = wordTokens(turn.text);
    if (words.length < MIN_COPIED_WORDS) return;
    const other: Speaker = turn.speaker === 'user1' ? 'user2' : 'user1';
    for (const [owner, persona] of [
      ['own', personas[turn.speaker]],
      ['other', personas[other]],
    ] as const) {
      for (const attribute of persona) {
        const attributeWords = wordTokens(attribute);
        if (attributeWords.length < MIN_COPIED_WORDS) continue;
        const need = Math.max(MIN_COPIED_WORDS, Math.ceil(COPIED_SHARE * attributeWords.length));
        for (const run of commonRuns(attributeWords, words, need)) {
          found.push({
            speaker: turn.speaker,
            persona: owner,
            attribute,
            turn: index,
            start: run.start,
            end: run.end,
          });
        }
      }
    }
  });
  return found;
}

/**
 * Runs of at least `need` equal consecutive words of `pattern` in `text`, as word spans
 * [start, end) of `text` that do not overlap, longest first: a sentence copied twice into one
 * turn is found twice.
 */
function commonRuns(
  pattern: readonly string[],
  text: readonly string[],
  need: number,
): Array<{ start: number; end: number }> {
  const candidates: Array<{ start: number; end: number }> = [];
  const previous = new Array<number>(text.length + 1).fill(0);
  for (let i = 1; i <= pattern.length; i++) {
    let diagonal = 0;
    for (let j = 1; j <= text.length; j++) {
      const above = previous[j]!;
      previous[j] = pattern[i - 1] === text[j - 1] ? diagonal + 1 : 0;
      // A run ends here when it cannot go on along the diagonal.
      const length = previous[j]!;
      if (length >= need && !(i < pattern.length && j < text.length && pattern[i] === text[j])) {
        candidates.push({ start: j - length, end: j });
      }
      diagonal = above;
    }
  }
  const runs: Array<{ start: number; end: number }> = [];
  for (const run of candidates.sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start)) {
    if (runs.every((kept) => run.end <= kept.start || run.start >= kept.end)) runs.push(run);
  }
  return runs.sort((a, b) => a.start - b.start);
}
