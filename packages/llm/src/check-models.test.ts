import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, scrubSecrets } from '@parley/core';
import { afterAll, describe, expect, it } from 'vitest';
import { assertModels, checkModels } from './check-models';
import { MissingApiKeyError } from './errors/missing-api-key-error';
import { resolveApiKey } from './resolve-api-key';
import { testRunConfig } from './test-support/test-config';

const folder = mkdtempSync(path.join(tmpdir(), 'parley-keys-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('checkModels', () => {
  it('lists every missing key and bad base URL at once, by name and never by value', () => {
    const config = testRunConfig({
      gpt: { provider: 'openai', model: 'gpt-4o-mini' },
      claude: { provider: 'anthropic', model: 'claude-sonnet-5-5', apiKeyEnv: 'CLAUDE_KEY' },
      local: { provider: 'openai-compatible', model: 'llama3.1:8b', baseURL: 'http://127.0.0.1:11434/v1' },
      filed: { provider: 'openai', model: 'gpt-4o', apiKeyFile: '/nonexistent/parley-key' },
      badAnthropic: { provider: 'anthropic', model: 'claude-x', baseURL: 'http://127.0.0.1:9/v1' },
      leaky: {
        provider: 'openai-compatible',
        model: 'm',
        baseURL: 'http://user:hunter2pass@127.0.0.1:8000/v1',
      },
      endpoint: {
        provider: 'openai-compatible',
        model: 'm',
        baseURL: 'http://127.0.0.1:8000/v1/chat/completions',
      },
    });
    const problems = checkModels(config, { ANTHROPIC_API_KEY: 'sk-ant-present-0000000000' });
    const lines = problems.map((problem) => `${problem.path}: ${problem.message}`);
    expect(lines).toEqual([
      expect.stringMatching(
        /^models\.gpt\.apiKeyEnv: the API key is not set \(looked in environment variable OPENAI_API_KEY\)/,
      ),
      expect.stringMatching(
        /^models\.claude\.apiKeyEnv: the API key is not set \(looked in environment variable CLAUDE_KEY\)/,
      ),
      expect.stringMatching(/^models\.filed\.apiKeyFile: the API key cannot be read \(ENOENT\)/),
      expect.stringMatching(/^models\.badAnthropic\.baseURL: .*drop the \/v1/),
      expect.stringMatching(/^models\.leaky\.baseURL: .*must not hold a user or password/),
      expect.stringMatching(/^models\.endpoint\.baseURL: .*is an endpoint/),
    ]);
    expect(lines.join('\n')).not.toContain('hunter2pass');
    expect(() => assertModels(config, {})).toThrow(ConfigError);
  });

  it('passes a job whose keys are set, and a simulator the CLI will start', () => {
    const config = testRunConfig({
      sim: { provider: 'simulator', model: 'parley-sim' },
      gpt: { provider: 'openai', model: 'gpt-4o-mini' },
      local: { provider: 'openai-compatible', model: 'llama3.1:8b', baseURL: 'http://127.0.0.1:11434/v1' },
    });
    expect(checkModels(config, { OPENAI_API_KEY: 'sk-present-000000000000' })).toEqual([]);
    expect(
      checkModels(config, { OPENAI_API_KEY: 'sk-present-000000000000' }, { requireSimulatorUrl: true }).map(
        (problem) => problem.path,
      ),
    ).toEqual(['models.sim.baseURL']);
  });

  it('refuses an anthropic model as the embedding model', () => {
    const config = testRunConfig(
      { claude: { provider: 'anthropic', model: 'claude-sonnet-5-5' } },
      { personas: { embedding: 'claude' } },
    );
    expect(checkModels(config, { ANTHROPIC_API_KEY: 'sk-ant-present-0000000000' })).toEqual([
      {
        path: 'personas.embedding',
        message: 'model "claude" is an anthropic model, which serves no embeddings',
      },
    ]);
  });
});

describe('resolveApiKey', () => {
  it('reads the first line of a key file, relative to the base directory, and registers it as a secret', () => {
    writeFileSync(path.join(folder, 'openai.key'), 'sk-from-file-0123456789abcdef\nsecond line\n');
    const resolved = resolveApiKey('gpt', { provider: 'openai', apiKeyFile: 'openai.key' }, {}, folder);
    expect(resolved).toEqual({ apiKey: 'sk-from-file-0123456789abcdef', source: 'key file openai.key' });
    expect(scrubSecrets('key=sk-from-file-0123456789abcdef')).toBe('key=[REDACTED]');
  });

  it('needs no key for local servers unless the binding names a variable', () => {
    expect(resolveApiKey('local', { provider: 'openai-compatible' }, {})).toEqual({
      apiKey: undefined,
      source: undefined,
    });
    expect(() =>
      resolveApiKey('local', { provider: 'openai-compatible', apiKeyEnv: 'VLLM_KEY' }, {}),
    ).toThrow(MissingApiKeyError);
  });

  it('rejects an empty key file', () => {
    writeFileSync(path.join(folder, 'empty.key'), '\n');
    expect(() => resolveApiKey('gpt', { provider: 'openai', apiKeyFile: 'empty.key' }, {}, folder)).toThrow(
      /key file empty.key|is empty/,
    );
  });
});
