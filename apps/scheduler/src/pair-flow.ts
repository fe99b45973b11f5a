import {
  type CritiqueJobData,
  candidateJobId,
  type GenerateJobData,
  type ProfilePair,
  pairJobId,
  QUEUE_NAMES,
  type SelectJobData,
  type SettleJobData,
} from '@parley/core';
import type { FlowJob, JobsOptions } from 'bullmq';

/**
 * Job options per level of a pair's flow. Every child carries ignoreDependencyOnFailure, so a
 * child that fails after its retries is recorded on its parent and the parent still runs: a
 * failed candidate can never leave a pair (or an iteration) waiting forever. Completed jobs are
 * removed at once (their results live on in the parent), failed ones are kept a day for Bull
 * Board, bounded in number.
 */
const LLM_JOB: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: true,
  removeOnFail: { age: 24 * 3600, count: 5_000 },
  ignoreDependencyOnFailure: true,
};

const SETTLE_JOB: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: true,
  removeOnFail: { age: 7 * 24 * 3600 },
};

export const SETTLE_ATTEMPTS = SETTLE_JOB.attempts!;

/** settle ← select ← critique × K ← generate × K, with deterministic ids. */
export function pairFlow(runId: string, iteration: number, pair: ProfilePair, candidates: number): FlowJob {
  const pairId = pair.id;
  const base = { runId, iteration, pairId };
  const id = pairJobId(runId, iteration, pairId);
  return {
    name: 'settle',
    queueName: QUEUE_NAMES.settle,
    data: base satisfies SettleJobData,
    opts: { ...SETTLE_JOB, jobId: id },
    children: [
      {
        name: 'select',
        queueName: QUEUE_NAMES.select,
        data: { ...base, candidates } satisfies SelectJobData,
        opts: { ...LLM_JOB, jobId: id },
        children: Array.from({ length: candidates }, (_, candidate) => {
          const candidateId = candidateJobId(runId, iteration, pairId, candidate);
          return {
            name: 'critique',
            queueName: QUEUE_NAMES.critique,
            data: { ...base, candidate } satisfies CritiqueJobData,
            opts: { ...LLM_JOB, jobId: candidateId },
            children: [
              {
                name: 'generate',
                queueName: QUEUE_NAMES.generate,
                data: { ...base, candidate, pair } satisfies GenerateJobData,
                opts: { ...LLM_JOB, jobId: candidateId },
              },
            ],
          };
        }),
      },
    ],
  };
}
