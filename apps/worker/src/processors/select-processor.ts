import {
  type AcceptedConversation,
  type CritiqueResult,
  critiqueResultSchema,
  type RejectedCandidate,
  type SelectResult,
  selectJobDataSchema,
  spentUsageOf,
} from '@parley/core';
import { lostVoteReason } from '@parley/critic';
import type { Job } from 'bullmq';
import { parseJobData } from '../job-payload';
import { type RunServices, sumUsage } from '../run-services';

/**
 * select: the pairwise vote among the candidates that passed every filter. Returns the pair's
 * outcome with the winner and every dropped candidate, for the scheduler to persist.
 */
export async function processSelect(
  job: Job,
  servicesFor: (runId: string) => Promise<RunServices>,
  signal?: AbortSignal,
): Promise<SelectResult> {
  const data = parseJobData(job, selectJobDataSchema);
  const reviews: CritiqueResult[] = Object.values(await job.getChildrenValues()).map((value) =>
    critiqueResultSchema.parse(value),
  );
  const childFailures = Object.entries(await job.getIgnoredChildrenFailures());
  reviews.sort((a, b) => a.candidate - b.candidate);
  const base = { run: data.runId, iteration: data.iteration, pair: data.pairId };
  const rejected: RejectedCandidate[] = [];

  for (const review of reviews) {
    if (review.failure) {
      rejected.push({
        ...base,
        candidate: review.candidate,
        outcome: 'failed',
        expert: review.failure.stage,
        reason: review.failure.reason,
        verdicts: review.verdicts,
        usage: review.usage,
      });
    } else if (!review.passed) {
      rejected.push({
        ...base,
        candidate: review.candidate,
        outcome: 'filtered',
        expert: review.rejectedBy?.expert,
        reason: review.rejectedBy?.reason ?? 'rejected by a filter',
        verdicts: review.verdicts,
        conversation: review.conversation,
        usage: review.usage,
      });
    }
  }
  for (const [key, failureReason] of childFailures) {
    // A critique job that failed after its retries: the tokens it was billed for ride in its reason.
    const { reason, usage } = spentUsageOf(failureReason);
    rejected.push({
      ...base,
      candidate: candidateFromKey(key),
      outcome: 'failed',
      expert: 'critique',
      reason,
      verdicts: [],
      ...(usage.inputTokens + usage.outputTokens > 0 ? { usage } : {}),
    });
  }

  const survivors = reviews.filter((review) => review.passed && review.conversation && review.generation);
  if (survivors.length === 0) {
    const allFailed = rejected.length > 0 && rejected.every((line) => line.outcome === 'failed');
    return { outcome: allFailed ? 'failed' : 'rejected', rejected };
  }

  const services = await servicesFor(data.runId);
  const selection = await services.critic.select(
    survivors.map((survivor) => survivor.conversation!),
    { runId: data.runId, pairId: data.pairId, signal },
  );
  const pairUsage = sumUsage([...reviews.map((review) => review.usage), selection.usage]);

  let accepted: AcceptedConversation | undefined;
  survivors.forEach((survivor, index) => {
    const verdicts = [...survivor.verdicts, ...(selection.verdicts[index] ?? [])];
    if (index === selection.winnerIndex) {
      accepted = {
        ...survivor.conversation!,
        run: data.runId,
        iteration: data.iteration,
        pair: data.pairId,
        candidate: survivor.candidate,
        generator: survivor.generation!,
        verdicts,
        judgeScore: selection.judgeScores[index] ?? 0,
        usage: pairUsage,
      };
    } else {
      rejected.push({
        ...base,
        candidate: survivor.candidate,
        outcome: 'lost-vote',
        expert: 'vote',
        reason: lostVoteReason(selection, index),
        verdicts,
        conversation: survivor.conversation,
        usage: survivor.usage,
      });
    }
  });
  if (accepted) await services.critic.rememberAccepted(accepted);
  // The losers passed the near-duplicate check, which claimed them: a later near copy may pass now.
  const losers = survivors.filter((_, index) => index !== selection.winnerIndex);
  if (losers.length > 0)
    await services.critic.releaseRejected(losers.map((survivor) => survivor.conversation!));
  return { outcome: accepted ? 'accepted' : 'rejected', accepted, rejected };
}

/** `{prefix}:critique:run.iteration.pair.3` → 3. */
function candidateFromKey(key: string): number | null {
  const last = key.split('.').pop();
  const candidate = Number(last);
  return Number.isInteger(candidate) ? candidate : null;
}
