import { addFailureCounts, describeFailures, type IterationCounters, type RunRecord } from '@parley/core';

/** A text on one line: an error that spans lines (a config problem list) is joined with `; `. */
export function oneLine(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .join('; ');
}

/** `run X: failed (every pair failed …)`: the status and, when there is one, why, on one line. */
export function runOutcomeLine(run: RunRecord): string {
  return `run ${run.id}: ${run.status}${run.error ? ` (${oneLine(run.error)})` : ''}`;
}

/** `pairs: 40 planned, 0 accepted, 3 rejected, 37 failed`. */
export function pairTotalsLine(iterations: readonly IterationCounters[]): string {
  const sum = (pick: (counters: IterationCounters) => number) =>
    iterations.reduce((total, counters) => total + pick(counters), 0);
  return `pairs: ${sum((c) => c.planned)} planned, ${sum((c) => c.accepted)} accepted, ${sum((c) => c.rejected)} rejected, ${sum((c) => c.failed)} failed`;
}

/** `failures: 40 × provider-error (401), 2 × unparseable`, or undefined when nothing failed. */
export function failuresLine(iterations: readonly IterationCounters[]): string | undefined {
  const described = describeFailures(addFailureCounts(...iterations.map((counters) => counters.failures)), 5);
  return described ? `failures: ${described}` : undefined;
}

/** Whether a command that waited for a run should exit with success. */
export function runSucceeded(run: RunRecord): boolean {
  return run.status === 'completed';
}
