import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type RunConfig, type RunConfigInput, validateRunConfig } from '@parley/core';

type ModelInput = RunConfigInput['models'][string];

/** A valid job config with the given models (the first is the generator's and critic's). */
export function testRunConfig(
  models: Record<string, ModelInput>,
  extra: Partial<Omit<RunConfigInput, 'models'>> = {},
): RunConfig {
  const first = Object.keys(models)[0]!;
  return validateRunConfig(
    {
      name: 'llm-test',
      seed: { path: 'seeds/none.jsonl' },
      generator: { model: first },
      critic: { model: first },
      ...extra,
      // The response cache outlives runs: a test gets it only when it asks, in a folder of its own.
      cache: { enabled: false, ...extra.cache, dir: extra.cache?.dir ?? freshCacheFolder() },
      models,
    },
    'test config',
  );
}

function freshCacheFolder(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'parley-llm-cache-'));
}
