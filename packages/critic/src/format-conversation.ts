import { type Conversation, speakerLabel, type Turn } from '@parley/core';

/** Turns as SPC writes them, one `User 1: ...` line each; a line without speaker stays verbatim. */
export function formatTurns(turns: readonly Turn[]): string {
  return turns
    .map((turn) => (turn.speaker ? `${speakerLabel(turn.speaker)}: ${turn.text}` : turn.text))
    .join('\n');
}

/** A persona as a bulleted list, `(no persona)` when it is empty. */
export function formatPersona(attributes: readonly string[]): string {
  return attributes.length === 0
    ? '(no persona)'
    : attributes.map((attribute) => `- ${attribute}`).join('\n');
}

/** Both personas under their labels. */
export function formatPersonas(conversation: Pick<Conversation, 'user1Persona' | 'user2Persona'>): string {
  return [
    `User 1's persona:\n${formatPersona(conversation.user1Persona)}`,
    `User 2's persona:\n${formatPersona(conversation.user2Persona)}`,
  ].join('\n\n');
}

/** True when two conversations are between the same two personas (the same profile pair). */
export function samePersonas(first: Conversation, second: Conversation): boolean {
  const same = (a: readonly string[], b: readonly string[]) =>
    a.length === b.length && a.every((value, index) => value === b[index]);
  return same(first.user1Persona, second.user1Persona) && same(first.user2Persona, second.user2Persona);
}
