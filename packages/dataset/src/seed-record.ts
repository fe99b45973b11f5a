import type { Conversation, SeedFormat } from '@parley/core';

/** A format `readSeed` can read; `auto` is resolved to one of these before reading. */
export type SeedFileFormat = Exclude<SeedFormat, 'auto'>;

/** Where something was found: the file and its 1-based line. */
export interface SeedLocation {
  file: string;
  line: number;
}

/**
 * Oddities that a reader keeps (they are real data) but counts, so that a seed set can be
 * judged before a run. docs/seed-data.md says what each one means in each format.
 */
export const QUIRK_KINDS = [
  /** A blank line inside an SPC conversation cell; dropped. */
  'blank-line',
  /** A non-blank SPC conversation line without a speaker prefix; kept with speaker null. */
  'unprefixed-line',
  /** A speaker prefix other than `User 1: ` / `User 2: ` (`User1:`, `user 2 :`, `* * User 1: * *`). */
  'speaker-prefix-variant',
  /** A speaker prefix with no text after it; kept as an empty turn. */
  'empty-turn',
  /** A blank line inside a persona cell; dropped. */
  'blank-persona-line',
  /** One side has no persona sentences (the HF format and ParlAI `self_*` files never carry user 1's). */
  'missing-persona',
  /** The conversation has no turns at all. */
  'empty-conversation',
  /** The first turn with a speaker is user 2's. */
  'starts-with-user2',
  /** The same speaker has two turns in a row. */
  'consecutive-speaker',
  /** A fill-in slot left in the text: `[User 1's name]`, `[city]`, `(name)`. */
  'placeholder',
  /** A turn that is only a scene note (`(The next day)`, `[Later]`, `* * *`). */
  'stage-direction',
  /** ParlAI / HF `__SILENCE__` turn (the other side opened the conversation); dropped. */
  'silence-token',
  /** ParlAI line numbers that do not count up by one inside an episode. */
  'line-number-gap',
] as const;
export type QuirkKind = (typeof QUIRK_KINDS)[number];

/** One quirk occurrence in one record. */
export interface Quirk {
  kind: QuirkKind;
  /** 1-based line of the file where it occurs (the record's first line when the format cannot say better). */
  line: number;
  /** The text concerned (the placeholder, the prefix variant, the unprefixed line), shortened. */
  detail?: string;
}

/** Why a record was dropped (lenient mode) or the read failed (strict mode). */
export const SKIP_REASONS = [
  'invalid-utf8',
  'unclosed-quote',
  'invalid-quote',
  'csv-syntax',
  'wrong-field-count',
  'invalid-json',
  'invalid-record',
  'malformed-line',
  'duplicate-id',
  'truncated-record',
  'truncated-file',
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/** One conversation read from a seed file, with where it starts and what was odd about it. */
export interface SeedRecord {
  conversation: Conversation;
  location: SeedLocation;
  quirks: Quirk[];
}
