import { describe, expect, it } from 'vitest';
import { type JsonItem, JsonItemScanner } from './json-item-scanner';

function scan(text: string, chunkSize: number): { items: JsonItem[]; scanner: JsonItemScanner } {
  const scanner = new JsonItemScanner();
  const items: JsonItem[] = [];
  for (let start = 0; start < text.length; start += chunkSize) {
    items.push(...scanner.push(text.slice(start, start + chunkSize)));
  }
  scanner.end();
  return { items, scanner };
}

describe('JsonItemScanner', () => {
  const objectDocument = `{
  "version": "1.0",
  "meta": {"note": [1, 2]},
  "train": [
    {"a": "x, ] } \\" [", "b": [1, {"c": 2}]},
    {"a": "y"}
  ],
  "valid": [ {"a": "z"} ]
}
`;

  it('splits an object of arrays into items with split, index and line, for any chunking', () => {
    for (const size of [1, 7, 10_000]) {
      const { items, scanner } = scan(objectDocument, size);
      expect(scanner.problem).toBeUndefined();
      expect(items.map((item) => [item.split, item.index, item.line])).toEqual([
        ['train', 0, 5],
        ['train', 1, 6],
        ['valid', 0, 8],
      ]);
      expect(JSON.parse(items[0]?.text ?? '')).toEqual({ a: 'x, ] } " [', b: [1, { c: 2 }] });
    }
  });

  it('splits a bare array, including values that are not objects', () => {
    const { items, scanner } = scan('[{"a":1},\n 2, "s,]", null]', 3);
    expect(scanner.problem).toBeUndefined();
    expect(items.map((item) => [item.text, item.line, item.split])).toEqual([
      ['{"a":1}', 1, undefined],
      ['2', 2, undefined],
      ['"s,]"', 2, undefined],
      ['null', 2, undefined],
    ]);
  });

  it('reports an item cut off by the end of the file', () => {
    const { items, scanner } = scan('[{"a":1},\n{"a": "cut', 4);
    expect(items).toHaveLength(1);
    expect(scanner.problem).toEqual({
      kind: 'truncated-record',
      line: 2,
      message: 'the item starting here is cut off by the end of the file',
    });
  });

  it('reports a document that never closes, a broken bracket, and trailing text', () => {
    expect(scan('{"train": [{"a":1}', 5).scanner.problem?.kind).toBe('truncated-file');
    expect(scan('[{"a":1]]', 5).scanner.problem).toMatchObject({
      kind: 'invalid-json',
      message: 'unexpected "]"',
    });
    expect(scan('[1]\n[2]', 5).scanner.problem).toMatchObject({ kind: 'invalid-json', line: 2 });
    expect(scan('  ', 5).scanner.problem?.message).toBe('no JSON array or object in the file');
  });
});
