import path from 'node:path';
import { runConfigSchema } from '@parley/core';
import { describe, expect, it } from 'vitest';
import { resolveJobPaths } from './job-paths';

describe('resolveJobPaths', () => {
  it('makes every path of a job absolute against the job file, key files included', () => {
    const config = runConfigSchema.parse({
      name: 'paths',
      seed: { path: 'seeds/seed.jsonl' },
      output: { dir: '../out' },
      models: {
        keyed: { provider: 'openai', model: 'gpt-4o-mini', apiKeyFile: './secrets/openai-key' },
        absolute: { provider: 'openai', model: 'gpt-4o-mini', apiKeyFile: '/etc/parley/key' },
        plain: { provider: 'simulator', model: 'parley-sim-1' },
      },
      generator: { model: 'plain' },
      critic: { model: 'plain' },
      simulator: { textSource: 'corpus.txt' },
    });
    const resolved = resolveJobPaths(config, '/jobs/team/job.yaml');
    expect(resolved.seed.path).toBe(path.resolve('/jobs/team/seeds/seed.jsonl'));
    expect(resolved.output.dir).toBe(path.resolve('/jobs/out'));
    expect(resolved.simulator.textSource).toBe(path.resolve('/jobs/team/corpus.txt'));
    // A worker started in another folder reads the key file the preflight read.
    expect(resolved.models.keyed!.apiKeyFile).toBe(path.resolve('/jobs/team/secrets/openai-key'));
    expect(resolved.models.absolute!.apiKeyFile).toBe('/etc/parley/key');
    expect(resolved.models.plain).toEqual(config.models.plain);
  });
});
