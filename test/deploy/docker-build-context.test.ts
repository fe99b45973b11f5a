import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import ignore from '@balena/dockerignore';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/parley-processes';

const LIMIT_BYTES = 20 * 1024 * 1024;

/** Every file `docker build .` would send, with Docker's own .dockerignore semantics. */
async function buildContext(root: string): Promise<Array<{ file: string; bytes: number }>> {
  const rules = ignore().add(await readFile(path.join(root, '.dockerignore'), 'utf8'));
  const files: Array<{ file: string; bytes: number }> = [];
  const walk = async (folder: string): Promise<void> => {
    for (const entry of await readdir(path.join(root, folder), { withFileTypes: true })) {
      const relative = folder ? `${folder}/${entry.name}` : entry.name;
      if (rules.ignores(entry.isDirectory() ? `${relative}/` : relative)) continue;
      if (entry.isDirectory()) await walk(relative);
      else files.push({ file: relative, bytes: (await stat(path.join(root, relative))).size });
    }
  };
  await walk('');
  return files;
}

describe('the image build context', () => {
  it('stays under 20 MB and holds what the Dockerfile copies, nothing a checkout accumulates', async () => {
    const files = await buildContext(REPO_ROOT);
    const total = files.reduce((sum, file) => sum + file.bytes, 0);
    expect(total, `${(total / 1024 / 1024).toFixed(1)} MB`).toBeLessThan(LIMIT_BYTES);
    const names = new Set(files.map((file) => file.file));
    for (const needed of [
      'package.json',
      'package-lock.json',
      'tsconfig.json',
      'tsconfig.base.json',
      'scripts/build.ts',
    ])
      expect(names.has(needed), needed).toBe(true);
    for (const folder of ['apps/', 'packages/', 'seeds/', 'jobs/'])
      expect(
        files.some((file) => file.file.startsWith(folder)),
        folder,
      ).toBe(true);
    for (const file of files) expect(file.file).not.toMatch(/(^|\/)(node_modules|\.git|releases|dist)\//);
  });

  it('runs as an unprivileged user, and every path it copies is in the context', async () => {
    const dockerfile = await readFile(path.join(REPO_ROOT, 'Dockerfile'), 'utf8');
    const users = [...dockerfile.matchAll(/^USER\s+(\S+)/gm)].map((match) => match[1]);
    expect(users.at(-1)).toBeDefined();
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
    const names = new Set((await buildContext(REPO_ROOT)).map((file) => file.file));
    for (const [, sources] of dockerfile.matchAll(/^COPY\s+(.+)\s+\S+$/gm)) {
      for (const source of sources!.split(/\s+/))
        expect(
          [...names].some((name) => name === source || name.startsWith(`${source}/`)),
          source,
        ).toBe(true);
    }
  });
});
