import type { Conversation, ExpertVerdict } from '@parley/core';
import { distinctN } from './distinct-n';
import type { DirectFilterExpert } from './expert';
import { wordTokens } from './text-tokens';

export interface RepetitionExpertOptions {
  /** Lowest distinct-2 over the conversation's words that passes. @defaultValue 0.5 */
  minDistinct2?: number;
  /** Turns shorter than this many words may repeat ("Me too!"). @defaultValue 5 */
  minRepeatedTurnWords?: number;
  /**
   * Repeats of a turn (of at least minRepeatedTurnWords words) tolerated. SPC's own conversations
   * repeat one such turn in about 10 % of rows, two or more in 3.4 %, four or more in 0.8 %; a
   * model that loops says whole exchanges again. @defaultValue 3
   */
  maxRepeatedTurns?: number;
}

export interface RepetitionMeasures {
  distinct1: number;
  distinct2: number;
  /** Turns (normalised words) that occur again later, each listed once. */
  repeatedTurns: string[];
  /** Occurrences of those turns beyond their first. */
  repeats: number;
}

/** distinct-1/2 over all the conversation's words, and the long turns said more than once. */
export function repetitionMeasures(conversation: Conversation, minRepeatedTurnWords = 5): RepetitionMeasures {
  const words = conversation.turns.flatMap((turn) => wordTokens(turn.text));
  const seen = new Set<string>();
  const repeated = new Set<string>();
  let repeats = 0;
  for (const turn of conversation.turns) {
    const tokens = wordTokens(turn.text);
    if (tokens.length < minRepeatedTurnWords) continue;
    const normalised = tokens.join(' ');
    if (seen.has(normalised)) {
      repeated.add(normalised);
      repeats++;
    }
    seen.add(normalised);
  }
  return {
    distinct1: distinctN(words, 1),
    distinct2: distinctN(words, 2),
    repeatedTurns: [...repeated],
    repeats,
  };
}

/** Offline repetition filter: low distinct-2 or the same long turn said twice. Score: distinct-2. */
export function createRepetitionExpert(options: RepetitionExpertOptions = {}): DirectFilterExpert {
  const { minDistinct2 = 0.5, minRepeatedTurnWords = 5, maxRepeatedTurns = 3 } = options;
  return {
    type: 'direct',
    name: 'repetition',
    kind: 'filter',
    offline: true,
    async review(conversation): Promise<ExpertVerdict> {
      const measures = repetitionMeasures(conversation, minRepeatedTurnWords);
      const problems: string[] = [];
      if (measures.distinct2 < minDistinct2) {
        problems.push(`distinct-2 ${measures.distinct2.toFixed(3)} < ${minDistinct2}`);
      }
      if (measures.repeats > maxRepeatedTurns) {
        const examples = measures.repeatedTurns.slice(0, 3).map((turn) => JSON.stringify(turn));
        problems.push(`${measures.repeats} repeated turns: ${examples.join(', ')}`);
      }
      return {
        expert: 'repetition',
        kind: 'filter',
        passed: problems.length === 0,
        score: measures.distinct2,
        rationale:
          problems.length === 0
            ? `distinct-1 ${measures.distinct1.toFixed(3)}, distinct-2 ${measures.distinct2.toFixed(3)}, no repeated turns`
            : problems.join('; '),
      };
    },
  };
}
