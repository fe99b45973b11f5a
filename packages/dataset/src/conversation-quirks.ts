import type { Conversation } from '@parley/core';
import type { Quirk } from './seed-record';

/** Longest slot text still taken for a placeholder; longer bracketed text is prose. */
const PLACEHOLDER_MAX_WORDS = 6;
/** Words that mark a parenthesised span as a slot: `(name)`, `(user 1's city)`, `(Title of the song)`. */
const SLOT_WORDS =
  /\b(?:name|username|user\s*[12]|city|state|hometown|town|location|place|title|team|band|job)\b/i;
const SQUARE_SPAN = /\[([^[\]\n]+)\]/g;
const ROUND_SPAN = /\(([^()\n]+)\)/g;
/** A line made only of scene-break marks: `* * *`, `---`, `~~~`. */
const SCENE_BREAK = /^[\s*\-_~=#]+$/;

/** True for a turn that is only a scene note: `(The next day)`, `[Later]`, `* * *`. */
export function isStageDirection(text: string): boolean {
  const trimmed = text.trim();
  if (trimmed === '') return false;
  if (/^\[[^[\]]*\]$/.test(trimmed) || /^\([^()]*\)$/.test(trimmed)) return true;
  return trimmed.length >= 3 && SCENE_BREAK.test(trimmed);
}

/**
 * Fill-in slots left by the model that wrote the seed: a short `[...]` span (`[User 1's name]`,
 * `[city]`), or a short `(...)` span naming a slot (`(name)`, `(user 2 location)`). A span that
 * is the whole turn is a stage direction instead; parentheses without a slot word are prose.
 */
export function findPlaceholders(text: string): string[] {
  if (!text.includes('[') && !text.includes('(')) return []; // the common case, kept cheap
  const trimmed = text.trim();
  const found: string[] = [];
  for (const [pattern, needsSlotWord] of [
    [SQUARE_SPAN, false],
    [ROUND_SPAN, true],
  ] as const) {
    for (const match of trimmed.matchAll(pattern)) {
      const inner = match[1]?.trim() ?? '';
      if (match[0] === trimmed || inner === '') continue;
      if (inner.split(/\s+/).length > PLACEHOLDER_MAX_WORDS) continue;
      if (needsSlotWord && !SLOT_WORDS.test(inner)) continue;
      found.push(match[0]);
    }
  }
  return found;
}

/**
 * The quirks every format shares, found on a validated conversation: empty conversation,
 * user 2 speaking first, the same speaker twice in a row, placeholders, stage directions.
 */
export function findConversationQuirks(
  conversation: Conversation,
  lineOf: (turnIndex: number) => number,
): Quirk[] {
  const quirks: Quirk[] = [];
  const { turns } = conversation;
  if (turns.length === 0) {
    quirks.push({ kind: 'empty-conversation', line: lineOf(0) });
    return quirks;
  }
  const firstSpoken = turns.findIndex((turn) => turn.speaker !== null);
  if (firstSpoken >= 0 && turns[firstSpoken]?.speaker === 'user2') {
    quirks.push({ kind: 'starts-with-user2', line: lineOf(firstSpoken) });
  }
  let previousSpeaker: string | null = null;
  turns.forEach((turn, index) => {
    const line = lineOf(index);
    if (turn.speaker !== null && turn.speaker === previousSpeaker) {
      quirks.push({ kind: 'consecutive-speaker', line, detail: turn.speaker });
    }
    // A null-speaker line between two turns of one speaker does not hide the repetition.
    if (turn.speaker !== null) previousSpeaker = turn.speaker;
    if (isStageDirection(turn.text))
      quirks.push({ kind: 'stage-direction', line, detail: shorten(turn.text) });
    for (const placeholder of findPlaceholders(turn.text)) {
      quirks.push({ kind: 'placeholder', line, detail: placeholder });
    }
  });
  return quirks;
}

/** Keeps report samples readable. */
export function shorten(text: string, length = 60): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length <= length ? oneLine : `${oneLine.slice(0, length - 1)}…`;
}
