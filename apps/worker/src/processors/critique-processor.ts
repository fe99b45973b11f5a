import { type CritiqueResult, critiqueJobDataSchema, generateResultSchema, spentUsageOf } from '@parley/core';
import type { Job } from 'bullmq';
import { onlyChildValue, parseJobData } from '../job-payload';
import { type RunServices, sumUsage, verdictUsage } from '../run-services';

/**
 * critique: the Critic's filters over one candidate (cheap offline experts first, stopping at
 * the first failure). A candidate whose generation failed after its retries is passed on as
 * failed, with the reason and the tokens it spent, so the pair still settles.
 */
export async function processCritique(
  job: Job,
  servicesFor: (runId: string) => Promise<RunServices>,
  signal?: AbortSignal,
): Promise<CritiqueResult> {
  const data = parseJobData(job, critiqueJobDataSchema);
  const generated = onlyChildValue(job, await job.getChildrenValues(), generateResultSchema);
  if (!generated) {
    const failures = Object.values(await job.getIgnoredChildrenFailures());
    // A failed generation still paid for its answer (truncated, refused...): its reason says how much.
    const failed = spentUsageOf(failures[0] ?? 'the generate job left no result');
    return {
      candidate: data.candidate,
      passed: false,
      verdicts: [],
      failure: { stage: 'generate', reason: failed.reason },
      usage: failed.usage,
    };
  }
  const services = await servicesFor(data.runId);
  const review = await services.critic.filter(generated.conversation, {
    runId: data.runId,
    pairId: data.pairId,
    signal,
  });
  return {
    candidate: data.candidate,
    conversation: generated.conversation,
    generation: generated.generation,
    passed: review.passed,
    verdicts: review.verdicts,
    rejectedBy: review.rejectedBy,
    usage: sumUsage([generated.generation.usage, verdictUsage(review.verdicts)]),
  };
}
