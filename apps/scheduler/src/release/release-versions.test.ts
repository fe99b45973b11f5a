import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readReleaseVersions } from './release-versions';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const versionOf = async (file: string) =>
  (JSON.parse(await readFile(file, 'utf8')) as { version: string }).version;

describe('readReleaseVersions', () => {
  it('reads Parley, Node and the installed packages from their package.json files', async () => {
    const versions = await readReleaseVersions({
      packages: ['bullmq', 'openai', '@anthropic-ai/sdk', 'no-such-package-x'],
    });
    expect(versions.parley).toBe(await versionOf(path.join(root, 'package.json')));
    expect(versions.node).toBe(process.versions.node);
    expect(versions.packages).toEqual({
      bullmq: await versionOf(path.join(root, 'node_modules/bullmq/package.json')),
      openai: await versionOf(path.join(root, 'node_modules/openai/package.json')),
      '@anthropic-ai/sdk': await versionOf(path.join(root, 'node_modules/@anthropic-ai/sdk/package.json')),
      'no-such-package-x': null,
    });
  });
});
