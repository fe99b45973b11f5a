import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postedJobSettings } from './posted-job-options';

describe('postedJobSettings', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), 'parley-posted-options-'));
    await writeFile(path.join(folder, 'allow.yaml'), 'connections:\n  - provider: anthropic\n');
  });
  afterAll(() => rm(folder, { recursive: true, force: true }));

  it('leaves the defaults to the server when nothing is set', async () => {
    const settings = await postedJobSettings({ jobsDir: folder }, {});
    expect(settings).toEqual({ jobsDirectory: folder, policy: {} });
  });

  it('reads roots and the allow-list from the environment, flags first', async () => {
    const environment = {
      PARLEY_API_DATA_DIRS: `/data/a${path.delimiter} /data/b ${path.delimiter}`,
      PARLEY_API_OUTPUT_ROOTS: '/releases',
      PARLEY_API_MODEL_ALLOWLIST: path.join(folder, 'allow.yaml'),
    };
    const fromEnvironment = await postedJobSettings({ jobsDir: folder }, environment);
    expect(fromEnvironment.policy).toEqual({
      dataRoots: ['/data/a', '/data/b'],
      outputRoots: ['/releases'],
      modelConnections: [{ provider: 'anthropic' }],
    });
    const fromFlags = await postedJobSettings(
      { jobsDir: folder, dataDir: ['/flag/data'], outputRoot: ['rel'] },
      environment,
    );
    expect(fromFlags.policy.dataRoots).toEqual(['/flag/data']);
    expect(fromFlags.policy.outputRoots).toEqual([path.resolve('rel')]);
  });

  it('stops on an unreadable allow-list', async () => {
    await expect(
      postedJobSettings({ modelAllowlist: path.join(folder, 'missing.yaml') }, {}),
    ).rejects.toThrow(/cannot read the model allow-list/);
  });
});
