import {
  type IterationCounters,
  type RejectedCandidate,
  type RunRecord,
  rejectedCandidateSchema,
} from '@parley/core';
import { RunFolder } from '@parley/scheduler';
import { readJsonLinesIfPresent } from '../../test/support/json-lines';
import type { ScenarioRow } from './scenario-row';

/**
 * Accounts for a run that ended `failed` because every pair failed (the run verdict): such a run
 * writes no release, so its pairs are accounted from the Redis counters and the `failed` lines
 * of its work folder, each with a reason. Adds to the row's expected and accounted pairs and
 * returns the lines.
 */
export async function accountAllFailedRun(
  run: RunRecord,
  counters: readonly IterationCounters[],
  plannedPerIteration: readonly number[],
  row: ScenarioRow,
  label = '',
): Promise<RejectedCandidate[]> {
  const prefix = label ? `${label}: ` : '';
  const planned = plannedPerIteration.reduce((sum, pairs) => sum + pairs, 0);
  const failed = counters.reduce((sum, counter) => sum + counter.failed, 0);
  const settled = counters.reduce(
    (sum, counter) => sum + counter.accepted + counter.rejected + counter.failed,
    0,
  );
  if (failed !== planned || settled !== planned)
    row.problem(`${prefix}run failed with ${failed} of ${planned} pairs failed: ${run.error ?? ''}`);
  if (!run.error?.startsWith(`every pair failed (${planned} pair${planned === 1 ? '' : 's'}): `))
    row.problem(`${prefix}unexpected reason: ${run.error ?? '(none)'}`);
  const folder = new RunFolder(run.runFolder);
  const lines: RejectedCandidate[] = [];
  const pairs = new Set<string>();
  for (let iteration = 1; iteration <= plannedPerIteration.length; iteration++) {
    for (const line of await workLines(folder.rejectedLines(iteration))) {
      lines.push(line);
      if (line.outcome === 'failed' && line.reason) pairs.add(`${iteration}/${line.pair}`);
    }
  }
  row.addPairs(planned, pairs.size);
  return lines;
}

/** A run's own work lines (`rejected` of one iteration); none when the file is not there. */
export async function workLines(file: string): Promise<RejectedCandidate[]> {
  return (await readJsonLinesIfPresent(file)).map((line) => rejectedCandidateSchema.parse(line));
}
