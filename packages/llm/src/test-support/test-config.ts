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
      models,
    },
    'test config',
  );
}
