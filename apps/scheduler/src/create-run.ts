import path from 'node:path';
import { ConfigError, type RunConfig, type RunRecord, type RunStore } from '@parley/core';
import { readSeed, type SeedReadReport } from '@parley/dataset';
import { withSeedTurnBounds } from '@parley/generator';
import { checkModels, probeProviders } from '@parley/llm';
import { assertWritableFolder } from './output-folder-check';
import { newRunId } from './run-id';

export interface PreflightOptions {
  environment?: NodeJS.ProcessEnv;
  /** URL of the simulator serving `provider: simulator` bindings, when one runs already. */
  simulatorUrl?: string;
  /** A detached run has nobody to start a simulator: require a URL. @defaultValue false */
  requireSimulatorUrl?: boolean;
  /** Relative key files start here (the job file's folder). */
  baseDirectory?: string;
  /**
   * What the run's model registry does with temperature / top_p / top_k on `anthropic`
   * bindings, so the probe sends the same. @defaultValue 'drop', as the registry
   */
  anthropicSamplingParameters?: 'send' | 'drop';
  /**
   * The job file, named in every message of a problem found here, so each says where as well
   * as what. @defaultValue the messages name `models` or `config` instead
   */
  jobFile?: string;
}

/**
 * Everything that can be checked before a run exists: the output folder is writable, the seed
 * reads (strict mode stops at its first bad record with file:line), every model has its key
 * and a usable base URL, every provider answers. Throws one error that names what and where;
 * enqueues nothing.
 */
export async function preflightJob(
  config: RunConfig,
  options: PreflightOptions = {},
): Promise<SeedReadReport> {
  await assertWritableFolder(config.output.dir, 'output.dir', options.jobFile);
  const modelProblems = checkModels(config, options.environment ?? process.env, {
    simulatorUrl: options.simulatorUrl,
    requireSimulatorUrl: options.requireSimulatorUrl,
    baseDirectory: options.baseDirectory,
  });
  if (modelProblems.length > 0) throw new ConfigError(modelProblems, options.jobFile ?? 'models');
  // The probe sends what the run will send: the same key files, the same sampling parameters.
  const unreachable = await probeProviders(config, options.environment ?? process.env, {
    simulatorUrl: options.simulatorUrl,
    baseDirectory: options.baseDirectory,
    anthropicSamplingParameters: options.anthropicSamplingParameters,
  });
  if (unreachable.length > 0) throw new ConfigError(unreachable, options.jobFile ?? 'models');

  const reader = readSeed(config.seed.path, {
    format: config.seed.format,
    mode: config.seed.mode,
    limit: config.seed.limit,
  });
  let conversations = 0;
  for await (const _record of reader) conversations++;
  if (conversations === 0) {
    throw new ConfigError(
      [{ path: 'seed.path', message: `${config.seed.path} holds no usable conversation` }],
      options.jobFile,
    );
  }
  return reader.report;
}

/**
 * Registers a run in Redis; the scheduler that holds its lease takes it from there. Turn bounds
 * the job leaves unset are derived from its seed here, once, and stored with the config.
 */
export async function createRun(
  store: RunStore,
  config: RunConfig,
  options: { runId?: string; simulatorUrl?: string } = {},
): Promise<RunRecord> {
  const id = options.runId ?? newRunId(config.name);
  const now = Date.now();
  const record: RunRecord = {
    id,
    name: config.name,
    status: 'pending',
    phase: 'created',
    iteration: 0,
    iterations: config.iterations,
    runFolder: path.join(config.output.dir, id),
    simulatorUrl: options.simulatorUrl,
    createdAt: now,
    updatedAt: now,
  };
  await store.createRun(record, await withSeedTurnBounds(config));
  return record;
}
