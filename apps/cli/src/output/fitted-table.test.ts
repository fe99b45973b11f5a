import { describe, expect, it } from 'vitest';
import { fittedTable, tableWidth, wrapText } from './fitted-table';

const widest = (text: string) => Math.max(...text.split('\n').map((line) => Array.from(line).length));

describe('fittedTable', () => {
  it('keeps its natural width when that fits', () => {
    const table = fittedTable(['a', 'bb'], [['1', 'two']], 100);
    expect(table.split('\n')[0]).toBe('┌───┬─────┐');
    expect(widest(table)).toBe(tableWidth([1, 3]));
  });

  it('narrows the widest column to fit, wrapping its cells without losing a character', () => {
    const folder = '/very/long/path/to/a/release/folder/that/would/not/fit/in/a/terminal/demo-1';
    const table = fittedTable(['run', 'folder'], [['demo-1', folder]], 40);
    expect(widest(table)).toBeLessThanOrEqual(40);
    const folderColumn = table
      .split('\n')
      .filter((line) => line.startsWith('│'))
      .map((line) => line.split('│')[2]!.trim())
      .join('');
    expect(folderColumn).toContain(folder);
  });
});

describe('wrapText', () => {
  it('breaks at spaces, and inside a word only when the word is longer than the line', () => {
    expect(wrapText('66.7% 2/3 +1 unparseable', 12)).toBe('66.7% 2/3 +1\nunparseable');
    expect(wrapText('abcdefghij', 4)).toBe('abcd\nefgh\nij');
    expect(wrapText('', 4)).toBe('');
  });
});
