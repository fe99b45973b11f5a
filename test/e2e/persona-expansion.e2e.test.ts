import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { profilePairSchema, userProfileSchema } from '@parley/core';
import { afterAll, describe, expect, it } from 'vitest';
import { runEmbedded } from '../../apps/cli/src/embedded/run-embedded';
import { deleteNamespace } from '../support/redis-namespace';
import { expectCompleteRelease, readJsonl } from '../support/release-checks';
import { SPC_TEST_CSV } from '../support/spc-test-split';
import { testNamespace, writeTestJob } from '../support/test-jobs';

const namespace = testNamespace('expand');
afterAll(() => deleteNamespace(namespace));

describe('persona expansion inside a run (stages 1–3 as BullMQ jobs)', { timeout: 120_000 }, () => {
  it('expands SPC personas on the workers, pairs the new profiles and generates for them', async () => {
    const { jobFile } = await writeTestJob({
      name: 'expand',
      seedPath: SPC_TEST_CSV,
      iterations: 1,
      pairs: 10,
      extra: `personas:
  mode: expand
  queryTarget: 12
  attributeTarget: 40
  profiles:
    count: 300
`,
    });
    const environment: NodeJS.ProcessEnv = { ...process.env, PARLEY_NAMESPACE: namespace };
    delete environment.PARLEY_SIMULATOR_URL;
    const jobText = await readFile(jobFile, 'utf8');
    await import('node:fs/promises').then(({ writeFile }) =>
      writeFile(jobFile, jobText.replace('seed:\n', 'seed:\n  limit: 200\n')),
    );

    const result = await runEmbedded({ jobFile, progress: false, environment });
    expect(result.run.status, result.run.error).toBe('completed');
    await expectCompleteRelease(result.run.runFolder, [10]);

    const folder = result.run.runFolder;
    const personas = await readJsonl(
      path.join(folder, 'personas.jsonl'),
      (value) => value as { source: string },
    );
    expect(personas.filter((persona) => persona.source === 'generated').length).toBeGreaterThan(0);
    const profiles = await readJsonl(path.join(folder, 'profiles.jsonl'), (value) =>
      userProfileSchema.parse(value),
    );
    for (const profile of profiles) expect(profile.attributes).toHaveLength(5);
    const pairs = await readJsonl(path.join(folder, 'pairs.jsonl'), (value) =>
      profilePairSchema.parse(value),
    );
    expect(pairs.length).toBeGreaterThan(0);
    for (const pair of pairs) expect(pair.similarity ?? 0).toBeGreaterThan(2);
    // The LLM-bound stage 1–3 work went through the workers and was accounted for.
    const personaStages = Object.keys(result.usage.byStage).filter((stage) => stage.startsWith('personas:'));
    expect(personaStages.length).toBeGreaterThan(0);
  });
});
