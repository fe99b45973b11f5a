import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createRedisConnection, keyPrefix, RunStore } from '@parley/core';
import { afterAll, describe, expect, it } from 'vitest';
import { runEmbedded } from '../../apps/cli/src/embedded/run-embedded';
import { deleteNamespace } from '../support/redis-namespace';
import { expectCompleteRelease } from '../support/release-checks';
import { testNamespace, writeTestJob } from '../support/test-jobs';

const namespaces: string[] = [];
afterAll(async () => {
  for (const namespace of namespaces) await deleteNamespace(namespace);
});

function environmentFor(label: string): NodeJS.ProcessEnv {
  const namespace = testNamespace(label);
  namespaces.push(namespace);
  const environment: NodeJS.ProcessEnv = { ...process.env, PARLEY_NAMESPACE: namespace };
  delete environment.PARLEY_SIMULATOR_URL;
  return environment;
}

describe('parley run (embedded)', { timeout: 120_000 }, () => {
  it('runs a multi-iteration job to a complete release; iteration 2 learns from iteration 1', async () => {
    const { jobFile } = await writeTestJob({ iterations: 2, pairs: 12, candidatesPerPair: 2 });
    const result = await runEmbedded({ jobFile, progress: false, environment: environmentFor('embedded') });
    expect(result.run.status).toBe('completed');
    const { accepted } = await expectCompleteRelease(result.run.runFolder, [12, 12]);
    expect(accepted.length).toBeGreaterThan(0);

    const firstIteration = new Set(accepted.filter((c) => c.iteration === 1).map((c) => c.id));
    const secondIteration = accepted.filter((c) => c.iteration === 2);
    expect(secondIteration.length).toBeGreaterThan(0);
    for (const conversation of secondIteration) {
      expect(conversation.generator.fewShotIds.length).toBeGreaterThan(0);
      for (const id of conversation.generator.fewShotIds) expect(firstIteration.has(id), id).toBe(true);
    }
    // Iteration 1 drew on the seed pool.
    for (const conversation of accepted.filter((c) => c.iteration === 1)) {
      for (const id of conversation.generator.fewShotIds) expect(id).toMatch(/^parley-seed-/);
    }
    expect(result.iterations.map((iteration) => iteration.planned)).toEqual([12, 12]);
    expect(result.usage.total.inputTokens).toBeGreaterThan(0);
  });

  it('evaluates each iteration into eval.json when the job asks for it', async () => {
    const { jobFile } = await writeTestJob({
      iterations: 2,
      pairs: 6,
      extra: 'evaluation:\n  afterEachIteration: true\n  judge: sim\n',
    });
    const result = await runEmbedded({ jobFile, progress: false, environment: environmentFor('evaluation') });
    expect(result.run.status).toBe('completed');
    await expectCompleteRelease(result.run.runFolder, [6, 6]);
    const report = JSON.parse(await readFile(path.join(result.run.runFolder, 'eval.json'), 'utf8')) as {
      iterations: Array<{ iteration: number; losingRate: number | null; turing: { pairs: number } }>;
    };
    expect(report.iterations.map((iteration) => iteration.iteration)).toEqual([1, 2]);
    for (const iteration of report.iterations) {
      expect(iteration.turing.pairs).toBeGreaterThan(0);
      expect(iteration.losingRate).toBeGreaterThanOrEqual(0);
      expect(iteration.losingRate).toBeLessThanOrEqual(1);
    }
    // The judge's calls are the run's: they show in its usage.
    expect(Object.keys(result.usage.byStage).some((stage) => stage.startsWith('eval'))).toBe(true);
  });

  it('stops before enqueuing anything when the job cannot start', async () => {
    const environment = environmentFor('preflight');
    const redis = createRedisConnection();
    const store = new RunStore(redis, keyPrefix(environment.PARLEY_NAMESPACE));
    try {
      const invalid = await writeTestJob();
      await writeFile(
        invalid.jobFile,
        (await readFile(invalid.jobFile, 'utf8')).replace('iterations: 2', 'iterations: three'),
      );
      await expect(runEmbedded({ jobFile: invalid.jobFile, progress: false, environment })).rejects.toThrow(
        /iterations/,
      );

      const missingSeed = await writeTestJob({ seedPath: '/nonexistent/seed.csv' });
      await expect(
        runEmbedded({ jobFile: missingSeed.jobFile, progress: false, environment }),
      ).rejects.toThrow(/nonexistent/);

      // A folder under a regular file cannot be created, even by root.
      const unwritable = await writeTestJob();
      await writeFile(
        unwritable.jobFile,
        (await readFile(unwritable.jobFile, 'utf8')).replace(
          unwritable.outputFolder,
          `${unwritable.jobFile}/releases`,
        ),
      );
      await expect(
        runEmbedded({ jobFile: unwritable.jobFile, progress: false, environment }),
      ).rejects.toThrow(/not writable/);

      const missingKey = await writeTestJob({
        extra: 'critic:\n  model: gpt\n',
      });
      // A second model that needs a key the environment does not have.
      const text = (await readFile(missingKey.jobFile, 'utf8')).replace(
        'models:\n',
        'models:\n  gpt:\n    provider: openai\n    model: gpt-4o-mini\n    apiKeyEnv: PARLEY_TEST_MISSING_KEY\n',
      );
      await writeFile(missingKey.jobFile, text.replace('critic:\n  model: sim\n', ''));
      await expect(
        runEmbedded({
          jobFile: missingKey.jobFile,
          progress: false,
          environment: { ...environment, PARLEY_TEST_MISSING_KEY: '' },
        }),
      ).rejects.toThrow(/PARLEY_TEST_MISSING_KEY/);

      // A provider nobody answers for (port 9 on loopback is closed here).
      const unreachable = await writeTestJob();
      await writeFile(
        unreachable.jobFile,
        (await readFile(unreachable.jobFile, 'utf8')).replace(
          'models:\n',
          'models:\n  local:\n    provider: openai-compatible\n    model: llama\n    baseURL: http://127.0.0.1:9/v1\n',
        ),
      );
      await expect(
        runEmbedded({ jobFile: unreachable.jobFile, progress: false, environment }),
      ).rejects.toThrow(/models\.local\.baseURL: http:\/\/127\.0\.0\.1:9\/v1 is unreachable/);

      expect(await store.listRuns()).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });
});
