/** One element of a top-level JSON array, as text, with where it starts. */
export interface JsonItem {
  text: string;
  /** 1-based line of its first character. */
  line: number;
  /** 0-based position in its array. */
  index: number;
  /** The top-level key of its array (`train`, `valid`) when the document is an object of arrays. */
  split?: string;
}

/** Why the document's structure broke; items before it were delivered. */
export interface JsonStructureProblem {
  line: number;
  message: string;
  kind: 'invalid-json' | 'truncated-record' | 'truncated-file';
}

/**
 * Splits a JSON document of the shape `[item, ...]` or `{"key": [item, ...], ...}` into its
 * items as text, chunk by chunk, so a large file never has to be parsed in one piece. It only
 * follows strings and brackets; each item is then parsed with JSON.parse by the caller, which
 * keeps the per-item error (and line) precise. Top-level values that are not arrays are skipped.
 */
export class JsonItemScanner {
  private line = 1;
  private inString = false;
  private escaped = false;
  /** Open brackets, outermost first. */
  private readonly stack: string[] = [];
  private rootKind: 'array' | 'object' | undefined;
  private finishedRoot = false;
  /** Text of the top-level key being read (object documents). */
  private keyParts: string[] = [];
  private split: string | undefined;
  private itemIndex = 0;
  private capture: { parts: string[]; start: number; line: number; depth: number } | undefined;
  private problemFound: JsonStructureProblem | undefined;

  /** Set when the structure broke; no more items come after it. */
  get problem(): JsonStructureProblem | undefined {
    return this.problemFound;
  }

  /** Feeds the next chunk; returns the items it completed. */
  push(chunk: string): JsonItem[] {
    const items: JsonItem[] = [];
    if (this.problemFound) return items;
    if (this.capture) this.capture.start = 0;
    for (let index = 0; index < chunk.length; index += 1) {
      const char = chunk[index] as string;
      if (char === '\n') this.line += 1;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (char === '\\') this.escaped = true;
        else if (char === '"') this.inString = false;
        if (this.readingKey()) this.keyParts.push(char);
        continue;
      }
      if (char === ' ' || char === '\n' || char === '\r' || char === '\t') continue;
      if (this.finishedRoot) {
        this.fail('invalid-json', 'unexpected text after the end of the JSON document');
        return items;
      }
      if (this.atItemLevel() && !this.capture && char !== ',' && char !== ']') {
        this.capture = { parts: [], start: index, line: this.line, depth: this.stack.length };
      }
      if (char === '"') {
        this.inString = true;
        if (this.readingKey()) this.keyParts.push(char);
      } else if (char === '[' || char === '{') {
        if (this.stack.length === 0) this.rootKind = char === '[' ? 'array' : 'object';
        else if (this.stack.length === 1 && this.rootKind === 'object' && char === '[') this.startSplit();
        this.stack.push(char);
      } else if (char === ']' || char === '}') {
        const open = this.stack.pop();
        if (open !== (char === ']' ? '[' : '{')) {
          this.fail('invalid-json', `unexpected "${char}"`);
          return items;
        }
        if (this.stack.length === 0) this.finishedRoot = true;
        if (this.capture && this.stack.length === this.capture.depth) {
          items.push(this.endCapture(chunk, index + 1));
        } else if (this.capture && this.stack.length < this.capture.depth) {
          // A bare value (number, literal) ended by the array's closing bracket.
          items.push(this.endCapture(chunk, index));
        }
      } else if (char === ',' || char === ':') {
        if (this.capture && this.stack.length === this.capture.depth && char === ',') {
          items.push(this.endCapture(chunk, index));
        } else if (char === ':' && this.stack.length === 1 && this.rootKind === 'object') {
          this.split = parseKey(this.keyParts.join(''));
          this.keyParts = [];
        } else if (char === ',' && this.stack.length === 1) {
          this.keyParts = [];
        }
      } else if (this.stack.length === 0) {
        this.fail('invalid-json', `expected "[" or "{" at the start of the document, got "${char}"`);
        return items;
      }
    }
    if (this.capture) this.capture.parts.push(chunk.slice(this.capture.start));
    return items;
  }

  /** Ends the input; sets `problem` when the document was cut off. */
  end(): void {
    if (this.problemFound) return;
    if (this.capture) {
      this.problemFound = {
        kind: 'truncated-record',
        line: this.capture.line,
        message: 'the item starting here is cut off by the end of the file',
      };
    } else if (this.rootKind === undefined) {
      this.problemFound = {
        kind: 'invalid-json',
        line: this.line,
        message: 'no JSON array or object in the file',
      };
    } else if (!this.finishedRoot) {
      this.problemFound = {
        kind: 'truncated-file',
        line: this.line,
        message: `the file ends before the document's closing bracket (${this.stack.length} still open)`,
      };
    }
  }

  private atItemLevel(): boolean {
    const itemDepth = this.rootKind === 'array' ? 1 : 2;
    return this.stack.length === itemDepth && this.stack[itemDepth - 1] === '[' && !this.finishedRoot;
  }

  private readingKey(): boolean {
    return this.rootKind === 'object' && this.stack.length === 1 && !this.capture;
  }

  private startSplit(): void {
    this.itemIndex = 0;
  }

  private endCapture(chunk: string, end: number): JsonItem {
    const capture = this.capture as NonNullable<typeof this.capture>;
    capture.parts.push(chunk.slice(capture.start, end));
    this.capture = undefined;
    const item: JsonItem = { text: capture.parts.join(''), line: capture.line, index: this.itemIndex };
    if (this.rootKind === 'object' && this.split !== undefined) item.split = this.split;
    this.itemIndex += 1;
    return item;
  }

  private fail(kind: JsonStructureProblem['kind'], message: string): void {
    this.problemFound = { kind, line: this.line, message };
    this.capture = undefined;
  }
}

function parseKey(text: string): string | undefined {
  try {
    const key: unknown = JSON.parse(text.trim());
    return typeof key === 'string' ? key : undefined;
  } catch {
    return undefined;
  }
}
