import type { ScenarioResult } from './scenario';

const HEADERS = ['Scenario', 'Measure', 'Value', 'Target', 'Met'];

function cells(results: readonly ScenarioResult[]): string[][] {
  const lines: string[][] = [];
  for (const result of results) {
    result.rows.forEach((row, index) => {
      lines.push([
        index === 0 ? result.title : '',
        row.measure,
        row.value,
        row.target ?? '',
        row.met === undefined ? '' : row.met ? 'yes' : 'NO',
      ]);
    });
  }
  return lines;
}

/** The results as a plain-text table for the terminal. */
export function textTable(results: readonly ScenarioResult[]): string {
  const rows = [HEADERS, ...cells(results)];
  const widths = HEADERS.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (row: string[]) => row.map((cell, column) => cell.padEnd(widths[column]!)).join(' │ ');
  const rule = widths.map((width) => '─'.repeat(width)).join('─┼─');
  return [line(HEADERS), rule, ...rows.slice(1).map(line)].join('\n');
}

/** The results as a Markdown table (docs/performance.md). */
export function markdownTable(results: readonly ScenarioResult[]): string {
  const escapeCell = (cell: string) => cell.replaceAll('|', '\\|');
  return [
    `| ${HEADERS.join(' | ')} |`,
    `|${HEADERS.map(() => '---').join('|')}|`,
    ...cells(results).map((row) => `| ${row.map(escapeCell).join(' | ')} |`),
  ].join('\n');
}
