import { createReadStream } from 'node:fs';
import type { Utf8Decoder } from './utf8-decoder';

/** Chunk size of seed reads: big enough to be fast, small enough to keep memory flat. */
const CHUNK_BYTES = 256 * 1024;

/** A file's text, chunk by chunk, through `decoder` (which remembers lines with invalid UTF-8). */
export async function* readTextChunks(file: string, decoder: Utf8Decoder): AsyncGenerator<string> {
  const stream = createReadStream(file, { highWaterMark: CHUNK_BYTES });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const text = decoder.decode(chunk);
      if (text !== '') yield text;
    }
    const rest = decoder.end();
    if (rest !== '') yield rest;
  } finally {
    stream.destroy();
  }
}

/** One line of text (without its line break) and its 1-based number. */
export interface TextLine {
  text: string;
  line: number;
}

/** A file's lines, with numbers; the last line may lack a line break. */
export async function* readTextLines(file: string, decoder: Utf8Decoder): AsyncGenerator<TextLine> {
  // Pieces of the current line: joining only at a line break keeps a very long line linear.
  let pieces: string[] = [];
  let line = 1;
  for await (const chunk of readTextChunks(file, decoder)) {
    let start = 0;
    let newline = chunk.indexOf('\n');
    while (newline !== -1) {
      pieces.push(chunk.slice(start, newline));
      yield { text: pieces.join(''), line };
      pieces = [];
      line += 1;
      start = newline + 1;
      newline = chunk.indexOf('\n', start);
    }
    if (start < chunk.length) pieces.push(chunk.slice(start));
  }
  if (pieces.length > 0) yield { text: pieces.join(''), line };
}
