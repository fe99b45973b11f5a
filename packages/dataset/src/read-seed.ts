import { stat } from 'node:fs/promises';
import { ConfigError, describeIssues, InputError, seedFormatSchema } from '@parley/core';
import { z } from 'zod';
import { DETECTION_BYTES, detectSeedFormatFromText, readHead } from './detect-seed-format';
import { readHfJson } from './read-hf-json';
import { readParlaiTxt } from './read-parlai-txt';
import { readParleyJsonl } from './read-parley-jsonl';
import { readSpcCsv } from './read-spc-csv';
import { seedIdStem } from './seed-id';
import { type FormatReader, SeedReadContext } from './seed-read-context';
import { createSeedReadReport, type SeedReadReport } from './seed-read-report';
import type { SeedFileFormat, SeedRecord } from './seed-record';
import { Utf8Decoder } from './utf8-decoder';

/** How to read a seed file. */
export interface ReadSeedOptions {
  /**
   * The file's format; `auto` detects it from the content, never from the extension.
   * @defaultValue 'auto'
   */
  format?: 'auto' | SeedFileFormat;
  /**
   * `strict` throws an InputError (`file:line: reason`) at the first bad record; `lenient`
   * skips bad records and counts them by reason in the report.
   * @defaultValue 'lenient'
   */
  mode?: 'strict' | 'lenient';
  /**
   * Stop after this many records.
   * @defaultValue undefined (read the whole file)
   */
  limit?: number;
}

export const DEFAULT_READ_SEED_OPTIONS = {
  format: 'auto',
  mode: 'lenient',
} as const satisfies ReadSeedOptions;

const readSeedOptionsSchema = z.object({
  format: seedFormatSchema,
  mode: z.enum(['strict', 'lenient'], { error: 'expected strict or lenient' }),
  limit: z.number({ error: 'expected a positive integer' }).int().positive().optional(),
});

const FORMAT_READERS: Record<SeedFileFormat, FormatReader> = {
  'spc-csv': readSpcCsv,
  'parlai-txt': readParlaiTxt,
  'hf-json': readHfJson,
  'parley-jsonl': readParleyJsonl,
};

/**
 * A streaming read of one seed file. Iterate it (or `records()`) once; `report` fills in as
 * records are read and is final when the iteration ends.
 */
export class SeedReader implements AsyncIterable<SeedRecord> {
  readonly file: string;
  readonly report: SeedReadReport;
  private readonly options: Required<Omit<ReadSeedOptions, 'limit'>> & Pick<ReadSeedOptions, 'limit'>;
  private started = false;

  constructor(file: string, options: ReadSeedOptions = {}) {
    const parsed = readSeedOptionsSchema.safeParse({ ...DEFAULT_READ_SEED_OPTIONS, ...options });
    if (!parsed.success)
      throw new ConfigError(describeIssues(parsed.error.issues, options), 'seed read options');
    this.file = file;
    this.options = parsed.data;
    this.report = createSeedReadReport(file, parsed.data.mode);
  }

  [Symbol.asyncIterator](): AsyncGenerator<SeedRecord> {
    return this.records();
  }

  async *records(): AsyncGenerator<SeedRecord> {
    if (this.started) throw new Error(`${this.file}: a SeedReader reads once; call readSeed again`);
    this.started = true;
    const context = new SeedReadContext(this.file, this.report);
    const format = await this.resolveFormat(context);
    this.report.format = format;
    this.report.formatDetected = this.options.format === 'auto';
    const { limit } = this.options;
    const reader = FORMAT_READERS[format];
    for await (const record of reader({
      file: this.file,
      stem: seedIdStem(this.file),
      context,
      decoder: new Utf8Decoder(),
    })) {
      context.count(record);
      yield record;
      if (limit !== undefined && this.report.recordsRead >= limit) {
        this.report.limitReached = true;
        break;
      }
    }
    this.report.complete = true;
  }

  /** Everything at once, for small files and tests. */
  async collect(): Promise<{ records: SeedRecord[]; report: SeedReadReport }> {
    const records: SeedRecord[] = [];
    for await (const record of this.records()) records.push(record);
    return { records, report: this.report };
  }

  private async resolveFormat(context: SeedReadContext): Promise<SeedFileFormat> {
    let head: { text: string; size: number };
    try {
      const info = await stat(this.file);
      if (info.isDirectory())
        throw new InputError(this.file, 'is a directory, not a seed file', { code: 'SEED_UNREADABLE' });
      head = await readHead(this.file);
    } catch (error) {
      if (error instanceof InputError) throw error;
      throw new InputError(this.file, `cannot read the seed file (${(error as Error).message})`, {
        code: 'SEED_UNREADABLE',
        cause: error,
      });
    }
    if (head.size === 0) context.fail(1, 'the file is empty', 'SEED_EMPTY_FILE');
    if (head.text.replace(/^\uFEFF/, '').trim() === '' && head.size <= DETECTION_BYTES) {
      context.fail(1, 'the file is empty (only whitespace)', 'SEED_EMPTY_FILE');
    }
    if (this.options.format !== 'auto') return this.options.format;
    const detected = detectSeedFormatFromText(head.text);
    if (detected) return detected;
    const firstLine =
      head.text
        .replace(/^\uFEFF/, '')
        .trimStart()
        .split('\n', 1)[0] ?? '';
    return context.fail(
      1,
      `cannot tell the format from the content (first line: ${JSON.stringify(firstLine.slice(0, 60))}); name it with format (spc-csv, parlai-txt, hf-json, parley-jsonl)`,
      'SEED_UNKNOWN_FORMAT',
    );
  }
}

/**
 * Reads a seed file as a stream of conversations:
 * `for await (const { conversation, location, quirks } of readSeed(file)) ...`, then
 * `reader.report` for counts. Formats: Synthetic-Persona-Chat CSV, ParlAI Persona-Chat text,
 * Hugging Face personachat JSON, Parley JSONL.
 */
export function readSeed(file: string, options: ReadSeedOptions = {}): SeedReader {
  return new SeedReader(file, options);
}
