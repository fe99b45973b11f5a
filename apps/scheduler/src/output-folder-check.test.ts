import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assertWritableFolder } from './output-folder-check';

const folders: string[] = [];
afterEach(async () => {
  for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
});

describe('assertWritableFolder', () => {
  it('proves a folder writable and leaves nothing behind, not even the folders it created', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'parley-output-check-'));
    folders.push(root);
    await assertWritableFolder(path.join(root, 'releases', 'team'));
    expect(await readdir(root)).toEqual([]);

    // An existing folder keeps what it holds, and the probe file is gone.
    await writeFile(path.join(root, 'keep.txt'), 'x');
    await assertWritableFolder(root);
    expect(await readdir(root)).toEqual(['keep.txt']);
  });

  it('names the config path, and the job file when given', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'parley-output-check-'));
    folders.push(root);
    const file = path.join(root, 'job.yaml');
    await writeFile(file, 'name: x');
    // A folder under a regular file cannot be created, even by root.
    await expect(assertWritableFolder(`${file}/releases`, 'output.dir', file)).rejects.toThrow(
      `${file}: output.dir: ${file}/releases is not writable (ENOTDIR)`,
    );
    expect(await readdir(root)).toEqual(['job.yaml']);
  });
});
