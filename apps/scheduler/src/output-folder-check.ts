import { mkdir, rm, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '@parley/core';

/**
 * Fails before anything is enqueued when the output folder cannot be created or written. It
 * proves that by creating it and writing a probe file, then removes what it created: a job
 * stopped by a later check (a missing key, a bad seed) leaves no empty output folder behind.
 */
export async function assertWritableFolder(
  folder: string,
  configPath = 'output.dir',
  source?: string,
): Promise<void> {
  const probe = path.join(folder, `.parley-write-check-${process.pid}`);
  let created: string | undefined;
  try {
    // The first folder mkdir had to create, if any: everything below it is ours to remove.
    created = await mkdir(folder, { recursive: true });
    await writeFile(probe, 'ok');
  } catch (error) {
    throw new ConfigError(
      [
        {
          path: configPath,
          message: `${folder} is not writable (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
        },
      ],
      source,
    );
  } finally {
    await rm(probe, { force: true }).catch(() => undefined);
    if (created) await removeEmptyFolders(path.resolve(folder), path.resolve(created));
  }
}

/**
 * Removes `folder` and its parents up to `top`, innermost first, each only while empty
 * (rmdir, never recursive): a folder someone else started filling in the meantime (another
 * run created at the same moment) stays, with everything in it.
 */
async function removeEmptyFolders(folder: string, top: string): Promise<void> {
  for (let current = folder; current.startsWith(top); current = path.dirname(current)) {
    try {
      await rmdir(current);
    } catch {
      return;
    }
    if (current === top) return;
  }
}
