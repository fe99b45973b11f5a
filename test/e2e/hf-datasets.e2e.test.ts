import { execFile } from 'node:child_process';
import { access, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { readReleaseManifest } from '@parley/scheduler';
import { afterAll, describe, expect, it } from 'vitest';
import { runEmbedded } from '../../apps/cli/src/embedded/run-embedded';
import { REPO_ROOT } from '../support/parley-processes';
import { deleteNamespace } from '../support/redis-namespace';
import { expectCompleteRelease } from '../support/release-checks';
import { testNamespace } from '../support/test-jobs';

/**
 * Python with Hugging Face `datasets` and pyarrow: PARLEY_DATASETS_PYTHON, else the venv
 * `.ci/run` builds at `.venv-datasets/` (see README, Releases). Without it the test is skipped
 * on a developer's machine, and fails in CI, where the venv must exist.
 */
const PYTHON = process.env.PARLEY_DATASETS_PYTHON ?? path.join(REPO_ROOT, '.venv-datasets', 'bin', 'python');
const available = await access(PYTHON).then(
  () => true,
  () => false,
);
const inCi = process.env.CI === 'true';

const namespaces: string[] = [];
afterAll(async () => {
  for (const namespace of namespaces) await deleteNamespace(namespace);
});

interface Loaded {
  splits: Record<string, number>;
  features: Record<string, string>;
  profiles: Record<string, string[]>;
  splitColumn: Record<string, string[]>;
}

describe('a release loaded with Hugging Face datasets', { timeout: 180_000 }, () => {
  it('has a Python with datasets when CI runs it', () => {
    if (inCi) expect(available, `${PYTHON} is missing: .ci/run builds .venv-datasets`).toBe(true);
  });

  it.skipIf(!available && !inCi)(
    'yields train/validation/test, typed, with no profile in two splits',
    async () => {
      const folder = await mkdtemp(path.join(os.tmpdir(), 'parley-hf-'));
      const namespace = testNamespace('hf');
      namespaces.push(namespace);
      const jobFile = path.join(folder, 'job.yaml');
      await writeFile(
        jobFile,
        `name: hf
seed:
  path: ${path.join(REPO_ROOT, 'seeds/parley-seed.jsonl')}
output:
  dir: ${path.join(folder, 'releases')}
  split: { train: 0.6, valid: 0.2, test: 0.2 }
iterations: 2
pairs: 25
candidatesPerPair: 2
randomSeed: 3
models:
  sim:
    provider: simulator
    model: parley-sim-1
generator:
  model: sim
critic:
  model: sim
  # The simulator's text seldom passes the grounding filter; this test is about the release.
  filters: [structure, toxicity]
examplePool:
  size: 10
simulator:
  seed: 3
  latencyMs: 0
`,
      );
      const environment: NodeJS.ProcessEnv = { ...process.env, PARLEY_NAMESPACE: namespace };
      delete environment.PARLEY_SIMULATOR_URL;
      const result = await runEmbedded({ jobFile, progress: false, environment });
      expect(result.run.status).toBe('completed');
      const release = result.run.runFolder;
      await expectCompleteRelease(release, [25, 25]);
      const manifest = await readReleaseManifest(release);

      const { stdout } = await promisify(execFile)(
        PYTHON,
        [path.join(REPO_ROOT, 'test/support/load-release-with-datasets.py'), release],
        {
          env: {
            ...process.env,
            HF_DATASETS_OFFLINE: '1',
            HF_HUB_OFFLINE: '1',
            HF_HOME: path.join(folder, 'hf'),
          },
        },
      );
      const loaded = JSON.parse(stdout.trim().split('\n').pop() as string) as Loaded;
      expect(Object.keys(loaded.splits).sort()).toEqual(['test', 'train', 'validation']);
      expect(loaded.splits).toEqual({
        train: manifest.split.counts.train,
        validation: manifest.split.counts.validation,
        test: manifest.split.counts.test,
      });
      for (const split of ['train', 'validation', 'test']) {
        expect(loaded.splits[split], split).toBeGreaterThan(0);
        expect(loaded.splitColumn[split]).toEqual([split]);
      }
      expect(loaded.features).toMatchObject({
        id: "Value('string')",
        iteration: "Value('int32')",
        judgeScore: "Value('float64')",
        user1Persona: "List(Value('string'))",
        turns: "List({'speaker': Value('string'), 'text': Value('string')})",
      });
      const owner = new Map<string, string>();
      for (const [split, profiles] of Object.entries(loaded.profiles)) {
        for (const profile of profiles) {
          expect(owner.get(profile) ?? split, `profile ${profile} in two splits`).toBe(split);
          owner.set(profile, split);
        }
      }
    },
  );
});
