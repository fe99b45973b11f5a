import type { IterationCounters } from '@parley/core';
import { plainTable } from './plain-table';

/** Per-iteration counts and pass rates as a terminal table. */
export function iterationTable(iterations: readonly IterationCounters[]): string {
  const experts = [...new Set(iterations.flatMap((iteration) => Object.keys(iteration.experts)))].sort();
  const table = plainTable([
    'iteration',
    'pairs',
    'settled',
    'accepted',
    'rejected',
    'failed',
    'acceptance',
    ...experts.map((e) => `${e} pass`),
  ]);
  for (const iteration of iterations) {
    const settled = iteration.accepted + iteration.rejected + iteration.failed;
    table.push([
      iteration.iteration,
      iteration.planned,
      settled,
      iteration.accepted,
      iteration.rejected,
      iteration.failed,
      percent(iteration.accepted, settled),
      ...experts.map((expert) => {
        const counts = iteration.experts[expert];
        return counts ? percent(counts.passed, counts.total) : '-';
      }),
    ]);
  }
  return table.toString();
}

export function percent(part: number, whole: number): string {
  return whole === 0 ? '-' : `${((100 * part) / whole).toFixed(1)}%`;
}
