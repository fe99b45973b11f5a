import { passed, type ScenarioResult } from './scenario';

const COLUMNS = [
  'scenario',
  'faults injected',
  'pairs expected',
  'pairs accounted',
  'duplicates',
  'lost',
  'time',
  'result',
];

/** The chaos table: one row per scenario, then each scenario's notes and problems. */
export function renderChaosTable(results: readonly ScenarioResult[]): string {
  const rows = results.map((result) => [
    result.scenario,
    result.faults,
    String(result.pairsExpected),
    String(result.pairsAccounted),
    String(result.duplicates),
    String(result.lost),
    `${(result.durationMs / 1000).toFixed(1)} s`,
    passed(result) ? 'ok' : 'FAILED',
  ]);
  const widths = COLUMNS.map((column, index) =>
    Math.max(column.length, ...rows.map((row) => row[index]!.length)),
  );
  const numeric = new Set([2, 3, 4, 5, 6]);
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, index) => (numeric.has(index) ? cell.padStart(widths[index]!) : cell.padEnd(widths[index]!))).join(' | ')} |`;
  const rule = `|${widths.map((width, index) => (numeric.has(index) ? `${'-'.repeat(width + 1)}:` : '-'.repeat(width + 2))).join('|')}|`;
  const table = [line(COLUMNS), rule, ...rows.map(line)].join('\n');

  const details = results
    .map((result) => {
      const lines = [`${result.scenario}:`];
      for (const note of result.notes) lines.push(`  - ${note}`);
      for (const problem of result.problems) lines.push(`  ! ${problem}`);
      return lines.join('\n');
    })
    .join('\n');
  return `${table}\n\n${details}`;
}
