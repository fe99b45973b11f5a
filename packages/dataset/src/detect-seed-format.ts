import { open } from 'node:fs/promises';
import type { SeedFileFormat } from './seed-record';

/** Bytes read from the start of a file to detect its format. */
export const DETECTION_BYTES = 64 * 1024;

const PARLAI_LINE = /^\d+ (?:your persona: |partner's persona: |[^\n]*\t)/;
const HF_OBJECT_START = /^\{\s*"(?:[^"\\]|\\.)*"\s*:\s*\[/;
const SPC_HEADER_NAMES = /user 1 personas|user 2 personas|best generated conversation/i;

/**
 * Detects a seed format from the start of a file's text (not its extension):
 * `[` or `{"train": [` → hf-json; `{...}` on the first line → parley-jsonl;
 * `1 your persona: ...` or `1 text<TAB>label` → parlai-txt; a CSV header → spc-csv.
 * Returns undefined when nothing fits (and for an empty text).
 */
export function detectSeedFormatFromText(head: string): SeedFileFormat | undefined {
  const text = head.replace(/^\uFEFF/, '').replace(/^\s+/, '');
  if (text === '') return undefined;
  if (text.startsWith('[')) return 'hf-json';
  if (text.startsWith('{')) return detectJsonObjectFormat(text);
  const firstLine = text.slice(0, text.indexOf('\n') === -1 ? undefined : text.indexOf('\n'));
  if (PARLAI_LINE.test(text)) return 'parlai-txt';
  if (SPC_HEADER_NAMES.test(firstLine) || firstLine.includes(',')) return 'spc-csv';
  return undefined;
}

function detectJsonObjectFormat(text: string): SeedFileFormat | undefined {
  const newline = text.indexOf('\n');
  const firstLine = newline === -1 ? text : text.slice(0, newline);
  try {
    const value: unknown = JSON.parse(firstLine);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      // A one-line `{"train": [...], "valid": [...]}` parses too: every value is an array.
      const values = Object.values(value);
      if (values.length > 0 && values.every(Array.isArray)) return 'hf-json';
      return 'parley-jsonl';
    }
  } catch {
    // A pretty-printed or very long first line: look at its shape instead.
  }
  if (HF_OBJECT_START.test(text)) return 'hf-json';
  if (/"turns"\s*:/.test(firstLine)) return 'parley-jsonl';
  return undefined;
}

/** Reads up to DETECTION_BYTES from the start of a file as text (invalid bytes replaced). */
export async function readHead(file: string): Promise<{ text: string; size: number }> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const buffer = Buffer.alloc(Math.min(size, DETECTION_BYTES));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return { text: new TextDecoder('utf-8').decode(buffer.subarray(0, bytesRead)), size };
  } finally {
    await handle.close();
  }
}

/** Detects the format of a seed file from its first DETECTION_BYTES; undefined when nothing fits. */
export async function detectSeedFormat(file: string): Promise<SeedFileFormat | undefined> {
  return detectSeedFormatFromText((await readHead(file)).text);
}
