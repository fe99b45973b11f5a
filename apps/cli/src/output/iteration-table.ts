import { type CriticConfig, type IterationCounters, orderExperts } from '@parley/core';
import { fittedTable, SUMMARY_COLUMNS, type TableCell, tableWidth, textWidth } from './fitted-table';

/** Per-iteration pair counts and acceptance: one row per iteration, seven narrow columns. */
export function iterationTable(
  iterations: readonly IterationCounters[],
  maxColumns: number = SUMMARY_COLUMNS,
): string {
  const rows = iterations.map((iteration) => {
    const settled = iteration.accepted + iteration.rejected + iteration.failed;
    return [
      iteration.iteration,
      iteration.planned,
      settled,
      iteration.accepted,
      iteration.rejected,
      iteration.failed,
      percent(iteration.accepted, settled),
    ];
  });
  return fittedTable(
    ['iteration', 'pairs', 'settled', 'accepted', 'rejected', 'failed', 'acceptance'],
    rows,
    maxColumns,
  );
}

/**
 * Expert pass rates: one row per expert, in the order the Critic runs them (given its config),
 * one column per iteration, each cell `rate passed/total`. Answers that could not be read as a
 * verdict are shown apart (`+N unparseable`), not counted as passes or failures. Iterations that
 * do not fit `maxColumns` side by side go on to a further table; empty when no expert judged.
 */
export function expertPassTable(
  iterations: readonly IterationCounters[],
  critic?: Pick<CriticConfig, 'filters' | 'toxicity'>,
  maxColumns: number = SUMMARY_COLUMNS,
): string {
  const experts = orderExperts(
    iterations.flatMap((iteration) => Object.keys(iteration.experts)),
    critic,
  );
  if (experts.length === 0) return '';
  const columns = iterations.map((iteration) => ({
    title: `iteration ${iteration.iteration}`,
    cells: experts.map((expert) => passCell(iteration, expert)),
  }));
  const nameWidth = Math.max(textWidth('expert'), ...experts.map(textWidth));
  const tables: string[] = [];
  for (const group of groupColumns(columns, nameWidth, maxColumns)) {
    tables.push(
      fittedTable(
        ['expert', ...group.map((column) => column.title)],
        experts.map((expert, row) => [expert, ...group.map((column) => column.cells[row]!)] as TableCell[]),
        maxColumns,
      ),
    );
  }
  return tables.join('\n');
}

function passCell(iteration: IterationCounters, expert: string): string {
  const counts = iteration.experts[expert];
  if (!counts) return '-';
  const rate = `${percent(counts.passed, counts.total)} ${counts.passed}/${counts.total}`;
  return counts.unparseable > 0 ? `${rate} +${counts.unparseable} unparseable` : rate;
}

/** Iteration columns packed, in order, into tables that each fit beside the expert column. */
function groupColumns<Column extends { title: string; cells: string[] }>(
  columns: readonly Column[],
  nameWidth: number,
  maxColumns: number,
): Column[][] {
  const groups: Column[][] = [];
  let group: Column[] = [];
  let widths = [nameWidth];
  for (const column of columns) {
    const width = Math.max(textWidth(column.title), ...column.cells.map(textWidth));
    if (group.length > 0 && tableWidth([...widths, width]) > maxColumns) {
      groups.push(group);
      group = [];
      widths = [nameWidth];
    }
    group.push(column);
    widths.push(width);
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

export function percent(part: number, whole: number): string {
  return whole === 0 ? '-' : `${((100 * part) / whole).toFixed(1)}%`;
}
