import { describe, expect, it } from 'vitest';
import { readCsvRecords } from './read-csv-records';

describe('readCsvRecords', () => {
  it('reads quoted cells with commas, doubled quotes and newlines, and any line ending', () => {
    const text = 'a,b,c\r\n"x, y","say ""hi""","line 1\nline 2"\n1,,3\n\n"last",2,"3"';
    expect(readCsvRecords(text)).toEqual([
      { a: 'x, y', b: 'say "hi"', c: 'line 1\nline 2' },
      { a: '1', b: '', c: '3' },
      { a: 'last', b: '2', c: '3' },
    ]);
  });

  it('ends a file with or without a final newline, and fills missing cells', () => {
    expect(readCsvRecords('\uFEFFa,b\n1\n')).toEqual([{ a: '1', b: '' }]);
    expect(readCsvRecords('a,b\n1,2')).toEqual([{ a: '1', b: '2' }]);
    expect(readCsvRecords('')).toEqual([]);
  });
});
