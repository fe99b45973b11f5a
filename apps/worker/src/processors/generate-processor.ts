import { type GenerateResult, generateJobDataSchema } from '@parley/core';
import { generateCandidate } from '@parley/generator';
import { type Job, UnrecoverableError } from 'bullmq';
import { parseJobData } from '../job-payload';
import type { RunServices } from '../run-services';

/** generate: one Generator call, one candidate. Idempotent: same job, same prompt and seed. */
export async function processGenerate(
  job: Job,
  servicesFor: (runId: string) => Promise<RunServices>,
  signal?: AbortSignal,
): Promise<GenerateResult> {
  const data = parseJobData(job, generateJobDataSchema);
  const services = await servicesFor(data.runId);
  if (await services.isCancelled()) throw new UnrecoverableError('run cancelled');
  const pool = await services.examplePool(data.iteration);
  return generateCandidate({
    model: services.generatorModel,
    config: services.config.generator,
    pool,
    runId: data.runId,
    iteration: data.iteration,
    pair: data.pair,
    candidate: data.candidate,
    randomSeed: services.config.randomSeed,
    signal,
  });
}
