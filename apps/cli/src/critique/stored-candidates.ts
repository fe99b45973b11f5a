import {
  type AcceptedConversation,
  addUsage,
  type Conversation,
  type GenerationInfo,
  type RejectedCandidate,
  type TokenUsage,
  ZERO_USAGE,
} from '@parley/core';

/** The release fields a line carries besides what the Critic decides (kept as the source had them). */
export interface ReleaseLineFields {
  profilePair?: string;
  user1Profile?: string;
  user2Profile?: string;
  split?: AcceptedConversation['split'];
}

/** One generated candidate of a release, as the Critic will see it again. */
export interface StoredCandidate {
  candidate: number;
  conversation: Conversation;
  /** Tokens its generation spent (paid when the run made it). */
  generationUsage: TokenUsage;
  /** How it was generated, when the source line says so (accepted lines do). */
  generator?: GenerationInfo;
  fields: ReleaseLineFields;
}

/** One pair of one iteration: its candidates, and lines that stay as they were. */
export interface StoredPair {
  run: string;
  iteration: number;
  pair: string;
  candidates: StoredCandidate[];
  /** `failed` lines without a candidate or a conversation to judge: copied unchanged. */
  kept: RejectedCandidate[];
}

/**
 * Groups a release's lines by iteration and pair, in release order. Every accepted conversation
 * and every rejected line with a candidate index and a conversation with turns is a candidate;
 * the rest (a pair that failed before candidates existed, a generation that failed) is kept.
 */
export function groupStoredPairs(
  accepted: readonly AcceptedConversation[],
  rejected: readonly RejectedCandidate[],
): StoredPair[] {
  const pairs = new Map<string, StoredPair>();
  const pairOf = (line: { run: string; iteration: number; pair: string }): StoredPair => {
    const key = `${line.iteration}\u0000${line.pair}`;
    let found = pairs.get(key);
    if (!found) {
      found = { run: line.run, iteration: line.iteration, pair: line.pair, candidates: [], kept: [] };
      pairs.set(key, found);
    }
    return found;
  };
  for (const line of accepted) {
    const { id, user1Persona, user2Persona, turns } = line;
    pairOf(line).candidates.push({
      candidate: line.candidate,
      conversation: { id, user1Persona, user2Persona, turns },
      generationUsage: line.generator.usage,
      generator: line.generator,
      fields: lineFields(line),
    });
  }
  for (const line of rejected) {
    const pair = pairOf(line);
    if (line.candidate === null || !line.conversation || line.conversation.turns.length === 0) {
      pair.kept.push(line);
      continue;
    }
    pair.candidates.push({
      candidate: line.candidate,
      conversation: line.conversation,
      generationUsage: generationUsageOf(line),
      fields: lineFields(line),
    });
  }
  for (const pair of pairs.values()) pair.candidates.sort((a, b) => a.candidate - b.candidate);
  return [...pairs.values()];
}

/**
 * A rejected line's `usage` is its generation plus its filter verdicts (a run's critique step
 * adds them; the vote's calls are the pair's, not the candidate's): the generation is the rest.
 */
export function generationUsageOf(line: RejectedCandidate): TokenUsage {
  const total = line.usage ?? ZERO_USAGE;
  const filters = line.verdicts
    .filter((verdict) => verdict.kind === 'filter' && verdict.usage)
    .reduce<TokenUsage>((sum, verdict) => addUsage(sum, verdict.usage!), { ...ZERO_USAGE });
  return {
    inputTokens: Math.max(0, total.inputTokens - filters.inputTokens),
    outputTokens: Math.max(0, total.outputTokens - filters.outputTokens),
  };
}

function lineFields(line: ReleaseLineFields): ReleaseLineFields {
  return {
    ...(line.profilePair === undefined ? {} : { profilePair: line.profilePair }),
    ...(line.user1Profile === undefined ? {} : { user1Profile: line.user1Profile }),
    ...(line.user2Profile === undefined ? {} : { user2Profile: line.user2Profile }),
    ...(line.split === undefined ? {} : { split: line.split }),
  };
}
