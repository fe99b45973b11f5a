import { createReadStream } from 'node:fs';

/** One line of a text file. */
export interface TextLine {
  /** 1-based. */
  number: number;
  text: string;
  /** False for a last line with no newline after it (a writer may have died mid-line). */
  terminated: boolean;
}

/** Streams the lines of a UTF-8 file without holding the whole file in memory. */
export async function* readLines(file: string): AsyncGenerator<TextLine> {
  let pending = '';
  let number = 0;
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    pending += chunk as string;
    let start = 0;
    for (let end = pending.indexOf('\n', start); end !== -1; end = pending.indexOf('\n', start)) {
      number += 1;
      yield { number, text: pending.slice(start, end), terminated: true };
      start = end + 1;
    }
    pending = pending.slice(start);
  }
  if (pending.length > 0) yield { number: number + 1, text: pending, terminated: false };
}
