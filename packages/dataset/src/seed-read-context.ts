import { type Conversation, conversationSchema, InputError } from '@parley/core';
import { findConversationQuirks } from './conversation-quirks';
import { REPORT_SAMPLE_LIMIT, type SeedReadReport } from './seed-read-report';
import type { Quirk, SeedRecord, SkipReason } from './seed-record';
import type { Utf8Decoder } from './utf8-decoder';

/** A record as a format reader assembled it, before validation and the common quirk checks. */
export interface RecordDraft {
  conversation: Conversation;
  /** 1-based line where the record starts. */
  line: number;
  /** Format-specific quirks found while assembling it. */
  quirks: Quirk[];
  /** Line of each turn, when the format knows it (used to place the common quirks). */
  turnLines?: number[];
}

/**
 * The state one read shares between `readSeed` and a format reader: strict mode turns a
 * skip into an InputError at `file:line`; lenient mode counts it in the report.
 */
export class SeedReadContext {
  readonly file: string;
  readonly report: SeedReadReport;

  constructor(file: string, report: SeedReadReport) {
    this.file = file;
    this.report = report;
  }

  get strict(): boolean {
    return this.report.mode === 'strict';
  }

  /** Drops a record: throws in strict mode, counts it in lenient mode. */
  skip(line: number, reason: SkipReason, message: string): void {
    const oneLine = message.replace(/\s+/g, ' ').trim();
    if (this.strict) {
      throw new InputError(`${this.file}:${line}`, oneLine, {
        code: `SEED_${reason.toUpperCase().replace(/-/g, '_')}`,
      });
    }
    const summary = this.report.skipped[reason] ?? { count: 0, samples: [] };
    this.report.skipped[reason] = summary;
    summary.count += 1;
    if (summary.samples.length < REPORT_SAMPLE_LIMIT)
      summary.samples.push({ file: this.file, line, message: oneLine });
    this.report.recordsSkipped += 1;
  }

  /** A problem with the whole file (empty, missing column): an InputError in every mode. */
  fail(line: number, message: string, code: string): never {
    throw new InputError(`${this.file}:${line}`, message, { code });
  }

  /**
   * Validates a draft against the conversation schema and adds the quirks every format shares.
   * Returns undefined (after `skip`) when the draft is not a valid conversation.
   */
  finish(draft: RecordDraft): SeedRecord | undefined {
    const parsed = conversationSchema.safeParse(draft.conversation);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const path = issue?.path.join('.') ?? '';
      this.skip(
        draft.line,
        'invalid-record',
        `${path ? `${path}: ` : ''}${issue?.message ?? 'invalid conversation'}`,
      );
      return undefined;
    }
    const conversation = parsed.data;
    if (conversation.id.includes(':')) {
      // Ids become parts of job ids and Redis keys, where ':' is a separator.
      this.skip(draft.line, 'invalid-record', `id "${conversation.id}" must not contain ':'`);
      return undefined;
    }
    const quirks = [
      ...draft.quirks,
      ...findConversationQuirks(conversation, (index) => draft.turnLines?.[index] ?? draft.line),
    ];
    if (conversation.user1Persona.length === 0)
      quirks.push({ kind: 'missing-persona', line: draft.line, detail: 'user1' });
    if (conversation.user2Persona.length === 0)
      quirks.push({ kind: 'missing-persona', line: draft.line, detail: 'user2' });
    quirks.sort((a, b) => a.line - b.line);
    return { conversation, location: { file: this.file, line: draft.line }, quirks };
  }

  /** Counts a yielded record and its quirks. */
  count(record: SeedRecord): void {
    this.report.recordsRead += 1;
    const seen = new Set<string>();
    for (const quirk of record.quirks) {
      const summary = this.report.quirks[quirk.kind] ?? { records: 0, occurrences: 0, samples: [] };
      this.report.quirks[quirk.kind] = summary;
      summary.occurrences += 1;
      if (!seen.has(quirk.kind)) {
        seen.add(quirk.kind);
        summary.records += 1;
      }
      if (summary.samples.length < REPORT_SAMPLE_LIMIT) {
        summary.samples.push({ file: this.file, line: quirk.line, message: quirk.detail ?? quirk.kind });
      }
    }
  }
}

/** What every format reader receives. */
export interface FormatReaderInput {
  file: string;
  /** Seed ids start with it (see `seedIdStem`). */
  stem: string;
  context: SeedReadContext;
  /** Decodes the file; knows the lines with invalid UTF-8. */
  decoder: Utf8Decoder;
}

/** A format reader: yields validated records, reports skips through the context. */
export type FormatReader = (input: FormatReaderInput) => AsyncGenerator<SeedRecord>;
