const NEWLINE = 0x0a;

/**
 * Decodes a byte stream as UTF-8, chunk by chunk, without ever failing: invalid bytes become
 * U+FFFD and the lines that held them are remembered, so a reader can drop exactly the records
 * that contain them (or fail there in strict mode). Also strips a leading BOM and turns CRLF
 * into LF, so that line numbers and cell texts are the same for both line endings.
 */
export class Utf8Decoder {
  private readonly fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  private readonly lossy = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
  /** Bytes of a code point cut by the chunk boundary, waiting for the next chunk. */
  private carry: Uint8Array = new Uint8Array(0);
  /** A `\r` at the end of the previous output, held back in case a `\n` follows. */
  private pendingCarriageReturn = false;
  private atStart = true;
  /** Line of the next byte to decode (1-based). */
  private line = 1;
  /** Lines with invalid bytes, ascending. */
  private readonly invalid: number[] = [];

  /** Decodes the next chunk; returns the text that is complete so far. */
  decode(chunk: Uint8Array): string {
    const bytes = this.carry.length > 0 ? concat(this.carry, chunk) : chunk;
    const cut = completeLength(bytes);
    this.carry = bytes.slice(cut);
    return this.normalize(this.decodeComplete(bytes.subarray(0, cut)), false);
  }

  /** Ends the stream; an incomplete code point at the end counts as invalid. */
  end(): string {
    const rest = this.carry;
    this.carry = new Uint8Array(0);
    return this.normalize(rest.length > 0 ? this.decodeComplete(rest) : '', true);
  }

  /** Lines (1-based) that held invalid UTF-8, in ascending order. */
  get invalidLines(): readonly number[] {
    return this.invalid;
  }

  /** The first line in `[first, last]` that held invalid UTF-8, if any. */
  firstInvalidLineBetween(first: number, last: number): number | undefined {
    return this.invalid.find((line) => line >= first && line <= last);
  }

  private decodeComplete(bytes: Uint8Array): string {
    const startLine = this.line;
    this.line += countNewlines(bytes);
    try {
      return this.fatal.decode(bytes);
    } catch {
      // Slow path, only for chunks with bad bytes: decode line by line to find them.
      const parts: string[] = [];
      let lineStart = 0;
      let line = startLine;
      while (lineStart <= bytes.length) {
        const newline = bytes.indexOf(NEWLINE, lineStart);
        const lineEnd = newline === -1 ? bytes.length : newline + 1;
        const segment = bytes.subarray(lineStart, lineEnd);
        try {
          parts.push(this.fatal.decode(segment));
        } catch {
          this.invalid.push(line);
          parts.push(this.lossy.decode(segment));
        }
        if (newline === -1) break;
        lineStart = lineEnd;
        line += 1;
      }
      return parts.join('');
    }
  }

  private normalize(decoded: string, final: boolean): string {
    let text = decoded;
    if (this.atStart && text.length > 0) {
      this.atStart = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (this.pendingCarriageReturn) text = `\r${text}`;
    this.pendingCarriageReturn = !final && text.endsWith('\r');
    if (this.pendingCarriageReturn) text = text.slice(0, -1);
    return text.includes('\r\n') ? text.replace(/\r\n/g, '\n') : text;
  }
}

/** Length of the prefix of `bytes` that ends on a code-point boundary (at most 3 bytes are held back). */
function completeLength(bytes: Uint8Array): number {
  const end = bytes.length;
  for (let index = end - 1; index >= Math.max(0, end - 3); index -= 1) {
    const byte = bytes[index] ?? 0;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead byte
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return end - index < needed ? index : end;
  }
  return end;
}

function countNewlines(bytes: Uint8Array): number {
  let count = 0;
  let index = bytes.indexOf(NEWLINE);
  while (index !== -1) {
    count += 1;
    index = bytes.indexOf(NEWLINE, index + 1);
  }
  return count;
}

function concat(first: Uint8Array, second: Uint8Array): Uint8Array {
  const joined = new Uint8Array(first.length + second.length);
  joined.set(first, 0);
  joined.set(second, first.length);
  return joined;
}
