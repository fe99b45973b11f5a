import type { Conversation, RunConfig, RunRecord } from '@parley/core';
import { evaluate, loadReference, updateEvaluationReport } from '@parley/evaluation';
import { createModelRegistry } from '@parley/llm';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { readAcceptedLines } from './example-pool';
import type { RunFolder } from './run-folder';

export interface IterationEvaluatorOptions {
  redis: Redis;
  prefix: string;
  logger: Logger;
  environment?: NodeJS.ProcessEnv;
}

/**
 * `evaluation.afterEachIteration`: runs `parley eval`'s measurements on an iteration as soon
 * as it closes and merges them into `<run>/eval.json` (replacing that iteration's entry, so a
 * resumed run evaluating again changes nothing). The judge's calls belong to the run: they
 * count in its usage and its budget.
 */
export function createIterationEvaluator(options: IterationEvaluatorOptions) {
  return async (run: RunRecord, config: RunConfig, folder: RunFolder, iteration: number): Promise<void> => {
    const settings = config.evaluation;
    if (!settings.afterEachIteration || !settings.judge) return;
    const environment = options.environment ?? process.env;
    const { current, earlier } = await readForEvaluation(folder, iteration, settings.limit);
    const { conversations: reference } = await loadReference(config.seed.path, {
      format: config.seed.format,
      mode: config.seed.mode,
    });
    const registry = createModelRegistry({
      config,
      redis: options.redis,
      runId: run.id,
      prefix: options.prefix,
      logger: options.logger.child({ run: run.id }),
      environment,
      simulatorUrl: run.simulatorUrl ?? environment.PARLEY_SIMULATOR_URL,
      inProcessSimulator: run.simulatorUrl !== undefined,
    });
    const { report } = await evaluate({
      groups: [{ iteration, conversations: current }],
      earlierConversations: earlier,
      reference,
      referenceLabel: config.seed.path,
      judge: registry.languageModel(settings.judge),
      target: folder.root,
      targetKind: 'release',
      run: run.id,
      runId: run.id,
      seedValue: config.randomSeed,
      concurrency: settings.concurrency,
      limit: settings.limit ?? null,
    });
    await updateEvaluationReport(folder.root, report);
  };
}

/**
 * The iteration's conversations and the earlier iterations' (for the near-duplicate rate), as
 * `parley eval --limit` reads a release: at most `limit` per iteration, the first in file order.
 * The limit bounds the judge's cost and the memory this takes.
 */
export async function readForEvaluation(
  folder: RunFolder,
  iteration: number,
  limit?: number,
): Promise<{ current: Conversation[]; earlier: Conversation[] }> {
  const current = [...(await readAcceptedLines(folder.acceptedLines(iteration), limit)).values()];
  const earlier: Conversation[] = [];
  for (let previous = 1; previous < iteration; previous++) {
    earlier.push(...(await readAcceptedLines(folder.acceptedLines(previous), limit)).values());
  }
  return { current, earlier };
}
