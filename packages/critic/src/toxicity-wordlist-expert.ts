import type { Conversation, ExpertVerdict } from '@parley/core';
import type { DirectFilterExpert } from './expert';
import { TOXIC_WORDS } from './toxic-words';

export interface ToxicityWordlistExpertOptions {
  /** The words and phrases to look for. @defaultValue TOXIC_WORDS */
  words?: readonly string[];
  /** Added to `words` (a project's own terms). @defaultValue [] */
  extraWords?: readonly string[];
}

/** One toxic word found in a turn. */
export interface WordlistMatch {
  /** 1-based line of the turn. */
  line: number;
  text: string;
}

/** Entries at least this long also match with -s, -es, -ed, -ing, -er, -ers. */
const MIN_INFLECTED_LENGTH = 5;

/** A matcher for whole words and phrases (case-insensitive, plain inflections allowed). */
export function compileWordlist(words: readonly string[]): (text: string) => string[] {
  const entries = [...new Set(words.map((word) => word.trim().toLowerCase()).filter(Boolean))].sort(
    (a, b) => b.length - a.length,
  );
  if (entries.length === 0) return () => [];
  // Short words match exactly: with suffixes, "spic" would catch "spiced" and "spicer".
  const alternatives = entries.map((word) => {
    const phrase = word.split(/\s+/).map(escapeRegExp).join('\\s+');
    return word.length >= MIN_INFLECTED_LENGTH ? `${phrase}(?:s|es|ed|ing|er|ers)?` : phrase;
  });
  // Letters, digits and apostrophes bound a word: "kill yourself" matches, "skill yourself" does not.
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}'])(?:${alternatives.join('|')})(?![\\p{L}\\p{N}])`, 'giu');
  return (text) =>
    [...text.replace(/[\u2018\u2019`]/g, "'").matchAll(pattern)].map((match) => match[0].toLowerCase());
}

/** Offline toxicity filter: fails when any turn holds a listed word or phrase. */
export function createToxicityWordlistExpert(
  options: ToxicityWordlistExpertOptions = {},
): DirectFilterExpert {
  const matcher = compileWordlist([...(options.words ?? TOXIC_WORDS), ...(options.extraWords ?? [])]);
  return {
    type: 'direct',
    name: 'toxicity',
    kind: 'filter',
    offline: true,
    async review(conversation): Promise<ExpertVerdict> {
      const matches = wordlistMatches(conversation, matcher);
      return {
        expert: 'toxicity',
        kind: 'filter',
        passed: matches.length === 0,
        rationale:
          matches.length === 0
            ? 'word list: no toxic word'
            : `word list: ${matches
                .slice(0, 5)
                .map((match) => `"${match.text}" on line ${match.line}`)
                .join(', ')}${matches.length > 5 ? ` and ${matches.length - 5} more` : ''}`,
      };
    },
  };
}

function wordlistMatches(conversation: Conversation, matcher: (text: string) => string[]): WordlistMatch[] {
  return conversation.turns.flatMap((turn, index) =>
    matcher(turn.text).map((text) => ({ line: index + 1, text })),
  );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
