import Table from 'cli-table3';

/** Summaries fit a 100-column terminal without wrapping. */
export const SUMMARY_COLUMNS = 100;

/** No column is narrowed below this many characters of content. */
const MIN_CONTENT_WIDTH = 6;

export type TableCell = string | number;

/**
 * A plain table (no colours, as plainTable) no wider than `maxColumns`: when its natural width
 * is more, the widest columns are narrowed one character at a time and their cells wrap inside
 * the column (wrapText), so nothing is cut off and the terminal does not wrap the borders.
 */
export function fittedTable(
  head: readonly string[],
  rows: ReadonlyArray<readonly TableCell[]>,
  maxColumns: number = SUMMARY_COLUMNS,
): string {
  const widths = head.map((title, column) =>
    Math.max(textWidth(title), ...rows.map((row) => textWidth(String(row[column] ?? '')))),
  );
  while (tableWidth(widths) > maxColumns) {
    const widest = widths.indexOf(Math.max(...widths));
    if (widths[widest]! <= MIN_CONTENT_WIDTH) break;
    widths[widest]!--;
  }
  const table = new Table({
    head: [...head],
    // cli-table3's widths include the one-space padding on either side.
    colWidths: widths.map((width) => width + 2),
    style: { head: [], border: [], compact: true },
  });
  for (const row of rows) table.push(row.map((cell, column) => wrapText(String(cell), widths[column]!)));
  return table.toString();
}

/**
 * Lines of at most `width` characters: at spaces where it can, inside a word (a path) where it
 * must. cli-table3's own wrapping cuts a word longer than the column with `…`; this loses nothing.
 */
export function wrapText(text: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((part) => part.length > 0)) {
    const joined = line ? `${line} ${word}` : word;
    if (textWidth(joined) <= width) {
      line = joined;
      continue;
    }
    if (line) lines.push(line);
    let rest = Array.from(word);
    while (rest.length > width) {
      lines.push(rest.slice(0, width).join(''));
      rest = rest.slice(width);
    }
    line = rest.join('');
  }
  if (line || lines.length === 0) lines.push(line);
  return lines.join('\n');
}

/** Width of a rendered table: each column's content and padding, and a border between and around. */
export function tableWidth(contentWidths: readonly number[]): number {
  return contentWidths.reduce((sum, width) => sum + width + 2, 0) + contentWidths.length + 1;
}

/** Characters a terminal shows (code points; the tables hold no wide or combining characters). */
export function textWidth(text: string): number {
  return Array.from(text).length;
}
