import {
  countFailures,
  type ExpertCounts,
  type ExpertVerdict,
  type RejectedCandidate,
  type RunStore,
  type SelectResult,
  type SettleJobData,
  selectResultSchema,
  settleJobDataSchema,
  spentUsageOf,
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
  await store.settlePair(
    data.runId,
    data.iteration,
    data.pairId,
    result.outcome,
    countExperts(verdicts),
    countFailures(failureReasons(result.rejected)),
  );
  return result.outcome;
}

/**
 * Settles a pair whose outcome could not be persisted (its settle job ran out of attempts, or
 * BullMQ failed it without running it): a `failed` line with the reason, then the settled mark,
 * so the pair is accounted for in the release and its iteration cannot wait forever. If the
 * line cannot be written (the disk is what failed) the mark still lands and the error is
 * thrown after it.
 */
export async function settleAsFailed(
  store: RunStore,
  appender: LineAppender,
  data: SettleJobData,
  reason: string,
): Promise<void> {
  const run = await store.getRun(data.runId);
  if (!run || run.status === 'cancelled' || run.cancelRequested) return;
  if (await store.isSettled(data.runId, data.iteration, data.pairId)) return;
  const line: RejectedCandidate = {
    run: data.runId,
    iteration: data.iteration,
    pair: data.pairId,
    candidate: null,
    outcome: 'failed',
    expert: 'settle',
    reason,
    verdicts: [],
  };
  let appendError: unknown;
  try {
    await appender.append(new RunFolder(run.runFolder).rejectedLines(data.iteration), [line]);
  } catch (error) {
    appendError = error;
  }
  await store.settlePair(data.runId, data.iteration, data.pairId, 'failed', {}, countFailures([reason]));
  if (appendError) throw appendError;
}

async function selectOutcome(
  job: Job,
  data: { runId: string; iteration: number; pairId: string },
): Promise<SelectResult> {
  const values = Object.values(await job.getChildrenValues());
  if (values.length > 0) return selectResultSchema.parse(values[0]);
  // The select job failed after its retries: the pair is recorded as failed, with the reason.
  const failures = Object.values(await job.getIgnoredChildrenFailures());
  // A failed pairwise vote still paid for its answer: the reason's tail says how much.
  const spent = spentUsageOf(failures[0] ?? 'the select job left no result');
  const failed: RejectedCandidate = {
    run: data.runId,
    iteration: data.iteration,
    pair: data.pairId,
    candidate: null,
    outcome: 'failed',
    expert: 'select',
    reason: spent.reason,
    verdicts: [],
    ...(spent.usage.inputTokens + spent.usage.outputTokens > 0 ? { usage: spent.usage } : {}),
  };
  return { outcome: 'failed', rejected: [failed] };
}

/** Reasons of the failed lines of a pair: each failed candidate, or the pair as a whole. */
export function failureReasons(lines: readonly RejectedCandidate[]): string[] {
  return lines.filter((line) => line.outcome === 'failed').map((line) => line.reason);
}

/**
 * Verdict counts per filter expert (verdicts that carry `passed`). An answer the expert's model
 * gave that could not be read as a verdict counts as unparseable, apart from the real verdicts,
 * whichever way the panel let it decide the candidate.
 */
export function countExperts(verdicts: readonly ExpertVerdict[]): Record<string, ExpertCounts> {
  const counts: Record<string, ExpertCounts> = {};
  for (const verdict of verdicts) {
    if (verdict.passed === undefined) continue;
    const expert = counts[verdict.expert] ?? { passed: 0, total: 0, unparseable: 0 };
    counts[verdict.expert] = expert;
    if (isUnparseableVerdict(verdict)) {
      expert.unparseable += 1;
      continue;
    }
    expert.total += 1;
    if (verdict.passed) expert.passed += 1;
  }
  return counts;
}

/** The Critic marks a filter answer it could not read: `unparseable verdict (…)`, raw output kept. */
function isUnparseableVerdict(verdict: ExpertVerdict): boolean {
  return (
    verdict.unparseable === true ||
    verdict.rationale.startsWith('unparseable verdict') ||
    verdict.rawOutput !== undefined
  );
}
