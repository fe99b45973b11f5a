import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, parseRunConfig } from '@parley/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_MODEL_CONNECTIONS,
  loadModelAllowlist,
  modelConnectionProblems,
} from './model-connection-allowlist';

function config(models: string) {
  return parseRunConfig(`name: t
seed: { path: /data/seed.jsonl }
models:
${models}
generator: { model: m }
critic: { model: m }
`);
}

describe('model connection allow-list', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), 'parley-allowlist-'));
  });
  afterAll(() => rm(folder, { recursive: true, force: true }));

  it('allows each provider at the endpoint and key the workers configure, by default', () => {
    for (const provider of ['openai', 'anthropic', 'simulator']) {
      expect(
        modelConnectionProblems(
          config(`  m: { provider: ${provider}, model: x }`),
          DEFAULT_MODEL_CONNECTIONS,
        ),
      ).toEqual([]);
    }
    // Naming the default key variable is the same connection.
    expect(
      modelConnectionProblems(
        config('  m: { provider: openai, model: x, apiKeyEnv: OPENAI_API_KEY }'),
        DEFAULT_MODEL_CONNECTIONS,
      ),
    ).toEqual([]);
    // A local server needs a base URL, which only the operator can allow.
    const local = modelConnectionProblems(
      config('  m: { provider: openai-compatible, model: x, baseURL: "http://127.0.0.1:8000/v1" }'),
      DEFAULT_MODEL_CONNECTIONS,
    );
    expect(local.map((problem) => problem.path)).toEqual(['models.m.baseURL']);
  });

  it('matches base URLs as URLs (a trailing slash is the same) and never shows URL credentials', () => {
    const allowed = [{ provider: 'openai-compatible' as const, baseURL: 'http://gpu-1:8000/v1/' }];
    expect(
      modelConnectionProblems(
        config('  m: { provider: openai-compatible, model: x, baseURL: "http://gpu-1:8000/v1" }'),
        allowed,
      ),
    ).toEqual([]);
    const [problem] = modelConnectionProblems(
      config('  m: { provider: openai-compatible, model: x, baseURL: "http://user:pw-7731@gpu-2:8000/v1" }'),
      allowed,
    );
    expect(problem?.message).toMatch(/openai-compatible at http:\/\/gpu-2:8000\/v1 is not allowed/);
    expect(problem?.message).not.toContain('pw-7731');
  });

  it('reads the operator file, key files relative to it, and reports problems with their line', async () => {
    const file = path.join(folder, 'allow.yaml');
    await writeFile(
      file,
      `connections:
  - provider: openai
  - provider: openai-compatible
    baseURL: http://gpu-1:8000/v1
  - provider: anthropic
    apiKeyFile: keys/anthropic
`,
    );
    const connections = await loadModelAllowlist(file);
    expect(connections).toEqual([
      { provider: 'openai' },
      { provider: 'openai-compatible', baseURL: 'http://gpu-1:8000/v1' },
      { provider: 'anthropic', apiKeyFile: path.join(folder, 'keys/anthropic') },
    ]);
    // The list replaces the defaults: the simulator is no longer allowed.
    expect(
      modelConnectionProblems(config('  m: { provider: simulator, model: s }'), connections),
    ).toHaveLength(1);

    const bad = path.join(folder, 'bad.yaml');
    await writeFile(bad, 'connections:\n  - provider: openai\n  - provider: cohere\n');
    const error = await loadModelAllowlist(bad).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems[0]).toMatchObject({ path: 'connections.1.provider', line: 3 });
    await expect(loadModelAllowlist(path.join(folder, 'missing.yaml'))).rejects.toThrow(
      /cannot read the model allow-list \(ENOENT\)/,
    );
  });
});
