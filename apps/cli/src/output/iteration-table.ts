import { type CriticConfig, type IterationCounters, orderExperts } from '@parley/core';
import { plainTable } from './plain-table';

/**
 * Per-iteration counts and expert pass rates as a terminal table. Experts come in the order the
 * Critic runs them (given its config), each as `rate passed/total`; answers that could not be
 * read as a verdict are shown apart (`+N unparseable`), not counted as passes or failures.
 */
export function iterationTable(
  iterations: readonly IterationCounters[],
  critic?: Pick<CriticConfig, 'filters' | 'toxicity'>,
): string {
  const experts = orderExperts(
    iterations.flatMap((iteration) => Object.keys(iteration.experts)),
    critic,
  );
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
        if (!counts) return '-';
        const rate = `${percent(counts.passed, counts.total)} ${counts.passed}/${counts.total}`;
        return counts.unparseable > 0 ? `${rate} +${counts.unparseable} unparseable` : rate;
      }),
    ]);
  }
  return table.toString();
}

export function percent(part: number, whole: number): string {
  return whole === 0 ? '-' : `${((100 * part) / whole).toFixed(1)}%`;
}
