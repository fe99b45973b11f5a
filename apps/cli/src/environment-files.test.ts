import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnvironmentFiles } from './environment-files';

describe('loadEnvironmentFiles', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), 'parley-env-files-'));
    await writeFile(path.join(folder, 'openai'), 'sk-from-secret-file\nsecond line ignored\n');
    await writeFile(path.join(folder, 'team'), '  team-key \r\n');
    await writeFile(path.join(folder, 'empty'), '\n');
  });
  afterAll(() => rm(folder, { recursive: true, force: true }));

  it('fills unset secret variables from their _FILE, and leaves set ones and other settings alone', () => {
    const environment: NodeJS.ProcessEnv = {
      OPENAI_API_KEY_FILE: path.join(folder, 'openai'),
      TEAM_B_KEY_FILE: path.join(folder, 'team'),
      ANTHROPIC_API_KEY: 'from-environment',
      ANTHROPIC_API_KEY_FILE: path.join(folder, 'missing'),
      OPENAI_BASE_URL: 'http://x',
      PARLEY_HEARTBEAT_FILE: path.join(folder, 'not-yet-written'),
      PARLEY_DASHBOARD_TOKEN_FILE: path.join(folder, 'team'),
      // Other tools' settings that name files are left alone, even when the file is missing.
      TF_CLI_CONFIG_FILE: path.join(folder, 'missing'),
      HISTORY_FILE: path.join(folder, 'missing'),
    };
    expect(loadEnvironmentFiles(environment).sort()).toEqual([
      'OPENAI_API_KEY',
      'PARLEY_DASHBOARD_TOKEN',
      'TEAM_B_KEY',
    ]);
    expect(environment.PARLEY_HEARTBEAT).toBeUndefined();
    expect(environment.OPENAI_API_KEY).toBe('sk-from-secret-file');
    expect(environment.TEAM_B_KEY).toBe('team-key');
    expect(environment.ANTHROPIC_API_KEY).toBe('from-environment');
  });

  it('stops with one line naming the variable when the file cannot be used', () => {
    expect(() => loadEnvironmentFiles({ OPENAI_API_KEY_FILE: path.join(folder, 'missing') })).toThrow(
      /^OPENAI_API_KEY_FILE=.*missing: cannot be read \(ENOENT\)$/,
    );
    expect(() => loadEnvironmentFiles({ OPENAI_API_KEY_FILE: path.join(folder, 'empty') })).toThrow(
      /first line is empty/,
    );
  });
});
