import type { Conversation } from '@parley/core';
import { formatSpcConversation, formatSpcPersona } from './spc-cell-text';
import { SPC_COLUMNS } from './spc-columns';

/** One CSV field, quoted when it has to be (RFC 4180: quote, comma, line break, edge spaces). */
export function quoteCsvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * Rows end with CRLF, as in RFC 4180 and in the released SPC files (written by Python's csv
 * module); line breaks inside cells stay LF, as there too.
 */
export const SPC_ROW_END = '\r\n';

/** The SPC header line, with its line break. */
export function spcCsvHeader(): string {
  return `${SPC_COLUMNS.map(quoteCsvField).join(',')}${SPC_ROW_END}`;
}

/**
 * One SPC CSV row, with its line break: persona cells one sentence a line, the conversation
 * one `User 1: ...` / `User 2: ...` line a turn (see formatSpcConversation for text that the
 * line format cannot hold as is).
 */
export function toSpcCsvRow(conversation: Conversation): string {
  const cells = [
    formatSpcPersona(conversation.user1Persona),
    formatSpcPersona(conversation.user2Persona),
    formatSpcConversation(conversation.turns),
  ];
  return `${cells.map(quoteCsvField).join(',')}${SPC_ROW_END}`;
}

/** A whole SPC-compatible CSV file: header plus one row a conversation. */
export function toSpcCsv(conversations: Iterable<Conversation>): string {
  const parts = [spcCsvHeader()];
  for (const conversation of conversations) parts.push(toSpcCsvRow(conversation));
  return parts.join('');
}
