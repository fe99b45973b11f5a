import {
  type ExpertVerdict,
  type RejectedCandidate,
  type RunStore,
  type SelectResult,
  selectResultSchema,
  settleJobDataSchema,
} from '@parley/core';
import type { Job } from 'bullmq';
import type { LineAppender } from './line-appender';
import { RunFolder } from './run-folder';

/**
 * settle: persists one pair's outcome. Lines are appended before the pair is marked settled,
 * so a crash in between repeats lines (the release de-duplicates) but never loses one; the
 * counters move once, atomically with the settled mark.
 */
export async function processSettle(job: Job, store: RunStore, appender: LineAppender): Promise<string> {
  const parsed = settleJobDataSchema.safeParse(job.data);
  if (!parsed.success) throw new Error(`job settle/${job.id}: invalid job data: ${parsed.error.message}`);
  const data = parsed.data;
  const run = await store.getRun(data.runId);
  if (!run) return 'unknown run';
  if (run.status === 'cancelled' || run.cancelRequested) return 'run cancelled';
  if (await store.isSettled(data.runId, data.iteration, data.pairId)) return 'already settled';

  const result = await selectOutcome(job, data);
  const folder = new RunFolder(run.runFolder);
  if (result.accepted) await appender.append(folder.acceptedLines(data.iteration), [result.accepted]);
  await appender.append(folder.rejectedLines(data.iteration), result.rejected);

  const verdicts: ExpertVerdict[] = [
    ...(result.accepted?.verdicts ?? []),
    ...result.rejected.flatMap((line) => line.verdicts),
  ];
  await store.settlePair(data.runId, data.iteration, data.pairId, result.outcome, countExperts(verdicts));
  return result.outcome;
}

async function selectOutcome(
  job: Job,
  data: { runId: string; iteration: number; pairId: string },
): Promise<SelectResult> {
  const values = Object.values(await job.getChildrenValues());
  if (values.length > 0) return selectResultSchema.parse(values[0]);
  // The select job failed after its retries: the pair is recorded as failed, with the reason.
  const failures = Object.values(await job.getIgnoredChildrenFailures());
  const failed: RejectedCandidate = {
    run: data.runId,
    iteration: data.iteration,
    pair: data.pairId,
    candidate: null,
    outcome: 'failed',
    expert: 'select',
    reason: failures[0] ?? 'the select job left no result',
    verdicts: [],
  };
  return { outcome: 'failed', rejected: [failed] };
}

/** Pass counts per filter expert (verdicts that carry `passed`). */
export function countExperts(
  verdicts: readonly ExpertVerdict[],
): Record<string, { passed: number; total: number }> {
  const counts: Record<string, { passed: number; total: number }> = {};
  for (const verdict of verdicts) {
    if (verdict.passed === undefined) continue;
    counts[verdict.expert] ??= { passed: 0, total: 0 };
    counts[verdict.expert]!.total += 1;
    if (verdict.passed) counts[verdict.expert]!.passed += 1;
  }
  return counts;
}
