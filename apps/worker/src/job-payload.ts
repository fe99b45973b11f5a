import { InputError } from '@parley/core';
import type { Job } from 'bullmq';
import type { z } from 'zod';

/** Validates a job's data; a malformed payload names the queue and job id. */
export function parseJobData<T>(job: Job, schema: z.ZodType<T>): T {
  const result = schema.safeParse(job.data);
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
  );
  throw new InputError(`job ${job.queueName}/${job.id}`, `invalid job data (${problems.join('; ')})`, {
    code: 'JOB_DATA_INVALID',
  });
}

/** The one value a single-child parent received from its child, validated. */
export function onlyChildValue<T>(
  job: Job,
  values: Record<string, unknown>,
  schema: z.ZodType<T>,
): T | undefined {
  const entries = Object.values(values);
  if (entries.length === 0) return undefined;
  const result = schema.safeParse(entries[0]);
  if (!result.success) {
    throw new InputError(`job ${job.queueName}/${job.id}`, `invalid child result: ${result.error.message}`, {
      code: 'CHILD_RESULT_INVALID',
    });
  }
  return result.data;
}
