import { type Speaker, speakerLabel, type Turn } from '@parley/core';
import { shorten } from './conversation-quirks';
import type { Quirk } from './seed-record';

/** `**User 1:**` as the SPC files print it once the asterisks got spaced out: `* * User 1: * *`. */
const MARKDOWN_PREFIX = /^\s*\*\s*\*\s*user\s*([12])\s*(?::\s*\*\s*\*|\*\s*\*\s*:)[ \t]*/i;
/** `User 1: `, and the variants `User1:`, `user 1 :`, `USER 2:`. */
const PLAIN_PREFIX = /^\s*user\s*([12])\s*:[ \t]*/i;

/** The turns of an SPC conversation cell, with the file line of each and what was odd. */
export interface ParsedSpcConversation {
  turns: Turn[];
  turnLines: number[];
  quirks: Quirk[];
}

/**
 * Parses a `Best Generated Conversation` cell: one `User 1: ...` / `User 2: ...` line a turn.
 * Prefix variants are accepted and counted; a line without a prefix is kept verbatim with
 * speaker null; blank lines are dropped and counted. `firstLine` is the file line of the
 * cell's first line, so every quirk can say where it is.
 */
export function parseSpcConversation(cell: string, firstLine: number): ParsedSpcConversation {
  const result: ParsedSpcConversation = { turns: [], turnLines: [], quirks: [] };
  if (cell.trim() === '') return result;
  cell.split(/\r?\n/).forEach((text, index) => {
    const line = firstLine + index;
    if (text.trim() === '') {
      result.quirks.push({ kind: 'blank-line', line });
      return;
    }
    const markdown = MARKDOWN_PREFIX.exec(text);
    const match = markdown ?? PLAIN_PREFIX.exec(text);
    if (!match) {
      result.turns.push({ speaker: null, text });
      result.turnLines.push(line);
      result.quirks.push({ kind: 'unprefixed-line', line, detail: shorten(text) });
      return;
    }
    const speaker: Speaker = match[1] === '1' ? 'user1' : 'user2';
    const prefix = match[0];
    const rest = text.slice(prefix.length).trimEnd();
    const canonical = `${speakerLabel(speaker)}:`;
    if (prefix !== `${canonical} ` && !(prefix === canonical && rest === '')) {
      result.quirks.push({ kind: 'speaker-prefix-variant', line, detail: prefix.trim() });
    }
    if (rest === '') result.quirks.push({ kind: 'empty-turn', line, detail: speaker });
    result.turns.push({ speaker, text: rest });
    result.turnLines.push(line);
  });
  return result;
}

/** Persona sentences of a persona cell (one a line, trimmed); blank lines dropped and counted. */
export function parseSpcPersona(cell: string, firstLine: number): { attributes: string[]; quirks: Quirk[] } {
  const attributes: string[] = [];
  const quirks: Quirk[] = [];
  if (cell.trim() === '') return { attributes, quirks };
  cell.split(/\r?\n/).forEach((text, index) => {
    const attribute = text.trim();
    if (attribute === '') quirks.push({ kind: 'blank-persona-line', line: firstLine + index });
    else attributes.push(attribute);
  });
  return { attributes, quirks };
}

/**
 * A conversation cell as SPC writes it. The format is one line a turn, so a line break inside
 * a turn becomes a space, a speaker's text is trimmed, and a blank null-speaker turn is left
 * out; a null-speaker turn is otherwise written verbatim (it reads back as a speaker turn only
 * if its text itself starts with a `User N:` prefix).
 */
export function formatSpcConversation(turns: readonly Turn[]): string {
  const lines: string[] = [];
  for (const turn of turns) {
    const text = joinLines(turn.text);
    if (turn.speaker === null) {
      if (text.trim() !== '') lines.push(text);
    } else {
      lines.push(`${speakerLabel(turn.speaker)}: ${text.trim()}`);
    }
  }
  return lines.join('\n');
}

/** A persona cell: one trimmed sentence a line (line breaks inside a sentence become spaces). */
export function formatSpcPersona(attributes: readonly string[]): string {
  return attributes
    .map((attribute) => joinLines(attribute).trim())
    .filter((attribute) => attribute !== '')
    .join('\n');
}

function joinLines(text: string): string {
  return text.includes('\n') || text.includes('\r') ? text.replace(/[ \t]*[\r\n]+[ \t]*/g, ' ') : text;
}
