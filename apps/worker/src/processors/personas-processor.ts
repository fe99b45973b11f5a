import { personasJobDataSchema } from '@parley/core';
import { runPersonaChunk } from '@parley/generator';
import { type Job, UnrecoverableError } from 'bullmq';
import { parseJobData } from '../job-payload';
import type { RunServices } from '../run-services';

/** personas: one chunk of a stage 1–3 task; idempotent (same input, same prompts). */
export async function processPersonas(
  job: Job,
  servicesFor: (runId: string) => Promise<RunServices>,
  signal?: AbortSignal,
): Promise<unknown> {
  const data = parseJobData(job, personasJobDataSchema);
  const services = await servicesFor(data.runId);
  if (await services.isCancelled()) throw new UnrecoverableError('run cancelled');
  return runPersonaChunk(data.stage, data.input, services.personaModels, {
    runId: data.runId,
    signal,
    stage: `personas:${data.stage}`,
  });
}
