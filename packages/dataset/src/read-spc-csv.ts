import { pipeline, Readable } from 'node:stream';
import { CsvError, type Info, type Options, parse } from 'csv-parse';
import { readTextChunks } from './read-text';
import { seedId } from './seed-id';
import type { FormatReaderInput } from './seed-read-context';
import type { SeedRecord } from './seed-record';
import { parseSpcConversation, parseSpcPersona } from './spc-cell-text';
import { SPC_COLUMNS } from './spc-columns';

interface ParsedRow {
  record: string[];
  raw: string;
  info: Info;
}

interface SkippedRow {
  /** Rows the parser had emitted before this one, to keep file order. */
  after: number;
  error: CsvError | undefined;
  raw: string | undefined;
}

/**
 * Reads a Synthetic-Persona-Chat CSV with csv-parse's streaming parser. The header must hold
 * the three SPC columns (case-sensitive; extra columns are ignored). Rows the parser cannot
 * read (quote errors) and rows with the wrong number of fields are skipped or fail, at the
 * line where they start.
 */
export async function* readSpcCsv({
  file,
  stem,
  context,
  decoder,
}: FormatReaderInput): AsyncGenerator<SeedRecord> {
  const skippedRows: SkippedRow[] = [];
  let emitted = 0;
  const options: Options = {
    info: true,
    raw: true,
    relax_column_count: true,
    skip_records_with_error: true,
    // With `info` and `raw` set, a "record" is the ParsedRow object; counting here keeps skips in order.
    on_record: (row) => {
      emitted += 1;
      return row;
    },
    on_skip: (error, raw) => {
      skippedRows.push({ after: emitted, error, raw });
      return undefined;
    },
  };
  const parser = parse(options);
  const rows = pipeline(Readable.from(readTextChunks(file, decoder)), parser, () => {
    // Errors reach the loop below through the parser; nothing else to do here.
  }) as AsyncIterable<ParsedRow>;

  let columns: { persona1: number; persona2: number; conversation: number; count: number } | undefined;
  let pulled = 0;
  let recordNumber = 0;
  let lastLine = 0;

  const reportSkippedRows = (upTo: number): void => {
    while (skippedRows.length > 0 && (skippedRows[0]?.after ?? 0) < upTo) {
      const skipped = skippedRows.shift() as SkippedRow;
      recordNumber += 1;
      const { line, reason, message } = describeCsvError(skipped.error, skipped.raw, lastLine);
      if (!columns) context.fail(line, `cannot read the header: ${message}`, 'SEED_INVALID_HEADER');
      context.skip(line, reason, message);
    }
  };

  try {
    for await (const row of rows) {
      pulled += 1;
      reportSkippedRows(pulled);
      const endLine = row.info.lines;
      const startLine = endLine - countNewlines(row.raw) + (row.raw.endsWith('\n') ? 1 : 0);
      lastLine = endLine;
      const { record } = row;
      if (!columns) {
        columns = checkHeader(record, (message) => context.fail(startLine, message, 'SEED_MISSING_COLUMN'));
        continue;
      }
      if (record.length === 1 && record[0] === '') continue; // a blank line between rows
      recordNumber += 1;
      if (record.length !== columns.count) {
        context.skip(
          startLine,
          'wrong-field-count',
          `${record.length} field${record.length === 1 ? '' : 's'}, expected ${columns.count} (a missing delimiter or a truncated record)`,
        );
        continue;
      }
      const invalidLine = decoder.firstInvalidLineBetween(startLine, endLine);
      if (invalidLine !== undefined) {
        context.skip(
          invalidLine,
          'invalid-utf8',
          `invalid UTF-8 in the record starting at line ${startLine}`,
        );
        continue;
      }
      const cellLine = (index: number): number =>
        startLine + record.slice(0, index).reduce((sum, cell) => sum + countNewlines(cell), 0);
      const persona1 = parseSpcPersona(record[columns.persona1] ?? '', cellLine(columns.persona1));
      const persona2 = parseSpcPersona(record[columns.persona2] ?? '', cellLine(columns.persona2));
      const conversation = parseSpcConversation(
        record[columns.conversation] ?? '',
        cellLine(columns.conversation),
      );
      const seedRecord = context.finish({
        conversation: {
          id: seedId(stem, recordNumber),
          user1Persona: persona1.attributes,
          user2Persona: persona2.attributes,
          turns: conversation.turns,
        },
        line: startLine,
        quirks: [...persona1.quirks, ...persona2.quirks, ...conversation.quirks],
        turnLines: conversation.turnLines,
      });
      if (seedRecord) yield seedRecord;
    }
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    // An error csv-parse cannot skip past ends the read (lenient) or fails it (strict).
    reportSkippedRows(Number.POSITIVE_INFINITY);
    const { line, reason, message } = describeCsvError(error, undefined, lastLine);
    context.skip(line, reason, `${message}; the rest of the file was not read`);
    return;
  }
  reportSkippedRows(Number.POSITIVE_INFINITY);
  if (!columns) context.fail(1, 'the file has no header row', 'SEED_MISSING_COLUMN');
}

function checkHeader(
  header: string[],
  fail: (message: string) => never,
): { persona1: number; persona2: number; conversation: number; count: number } {
  const missing = SPC_COLUMNS.filter((column) => !header.includes(column));
  if (missing.length > 0) {
    const hints = missing.map((column) => {
      const nearly = header.find((name) => name.trim().toLowerCase() === column.toLowerCase());
      return nearly === undefined
        ? `"${column}"`
        : `"${column}" (found "${nearly}"; names are case-sensitive)`;
    });
    const found = header.map((name) => `"${name}"`).join(', ');
    fail(`missing column${missing.length === 1 ? '' : 's'} ${hints.join(', ')}; the header has ${found}`);
  }
  return {
    persona1: header.indexOf(SPC_COLUMNS[0]),
    persona2: header.indexOf(SPC_COLUMNS[1]),
    conversation: header.indexOf(SPC_COLUMNS[2]),
    count: header.length,
  };
}

/**
 * Turns a csv-parse error into a skip reason located at the start of the bad record (from the
 * raw text csv-parse kept for it), with the line where the parser noticed the problem.
 */
function describeCsvError(
  error: CsvError | undefined,
  raw: string | undefined,
  lastLine: number,
): { line: number; reason: 'unclosed-quote' | 'invalid-quote' | 'csv-syntax'; message: string } {
  const errorLine = typeof error?.lines === 'number' ? error.lines : lastLine + 1;
  const code = error?.code ?? '';
  const text = raw ?? (typeof error?.raw === 'string' ? error.raw : undefined);
  // At the end of the file csv-parse does not count the final line break.
  const endCorrection = code === 'CSV_QUOTE_NOT_CLOSED' && text?.endsWith('\n') ? 1 : 0;
  const line =
    text === undefined ? errorLine : Math.max(lastLine + 1, errorLine - countNewlines(text) + endCorrection);
  const where = line === errorLine ? '' : ` (noticed at line ${errorLine})`;
  if (code === 'CSV_QUOTE_NOT_CLOSED') {
    return {
      line,
      reason: 'unclosed-quote',
      message: `unclosed quote: a quoted field of this record is still open at the end of the file${where}; an unclosed quote or a truncated file`,
    };
  }
  if (code === 'CSV_INVALID_CLOSING_QUOTE') {
    const found = /got "(.*?)" at line/s.exec(error?.message ?? '')?.[1] ?? '?';
    return {
      line,
      reason: 'invalid-quote',
      message: `a quoted field ends and is followed by ${JSON.stringify(found)} instead of a comma or line break${where}; an unescaped quote (write "") or a quote left open`,
    };
  }
  if (code === 'INVALID_OPENING_QUOTE') {
    return {
      line,
      reason: 'invalid-quote',
      message: `a quote inside an unquoted field${where}; quote the whole field and double the quote ("")`,
    };
  }
  return {
    line,
    reason: 'csv-syntax',
    message: `${(error?.message ?? 'unreadable CSV').replace(/\s+/g, ' ')}${where}`,
  };
}

function countNewlines(text: string): number {
  let count = 0;
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) count += 1;
  return count;
}
