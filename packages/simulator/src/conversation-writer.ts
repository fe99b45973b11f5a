import type { TextWriter } from './text-writer';

export interface WrittenTurn {
  speaker: 'user1' | 'user2';
  text: string;
}

/**
 * A conversation between two profiles: user1 and user2 alternate, each turn reacts to the last,
 * and speakers bring up their own persona facts (rephrased) between corpus small talk.
 */
export function writeConversation(
  writer: TextWriter,
  profiles: { user1: readonly string[]; user2: readonly string[] },
  turnCount: number,
): WrittenTurn[] {
  const random = writer.random;
  // Each speaker walks through their own facts in a shuffled order.
  const pending = {
    user1: shuffled(profiles.user1, writer),
    user2: shuffled(profiles.user2, writer),
  };
  const turns: WrittenTurn[] = [];
  for (let index = 0; index < turnCount; index++) {
    const speaker = index % 2 === 0 ? 'user1' : 'user2';
    const parts: string[] = [];
    const facts = pending[speaker];
    if (index === 0) {
      parts.push(writer.opening());
      if (facts.length > 0 && random.chance(0.4)) parts.push(writer.personaFactLine(facts.shift()!));
    } else if (index === turnCount - 1 && turnCount > 2) {
      if (random.chance(0.5)) parts.push(writer.reaction());
      parts.push(writer.closing());
    } else {
      if (random.chance(0.6)) parts.push(writer.reaction());
      if (facts.length > 0 && random.chance(0.75)) parts.push(writer.personaFactLine(facts.shift()!));
      else parts.push(writer.smallTalk());
      if (random.chance(0.4)) parts.push(writer.followUpQuestion());
    }
    turns.push({ speaker, text: parts.join(' ') });
  }
  return turns;
}

function shuffled(items: readonly string[], writer: TextWriter): string[] {
  const copy = items.filter((item) => item.trim() !== '');
  for (let index = copy.length - 1; index > 0; index--) {
    const other = writer.random.integer(0, index);
    [copy[index], copy[other]] = [copy[other]!, copy[index]!];
  }
  return copy;
}

/** The conversation as SPC-style lines, `User 1: ...` / `User 2: ...`. */
export function formatConversationLines(turns: readonly WrittenTurn[]): string {
  return turns.map((turn) => `${turn.speaker === 'user1' ? 'User 1' : 'User 2'}: ${turn.text}`).join('\n');
}
