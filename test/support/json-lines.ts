import { readFile } from 'node:fs/promises';

/**
 * The JSON values of a JSONL file's non-blank lines, in order; none when the file is not there
 * (a run that never reached the step that writes it).
 */
export async function readJsonLinesIfPresent(file: string): Promise<unknown[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as unknown);
}
