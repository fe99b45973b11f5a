import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '@parley/core';

/** Fails before anything is enqueued when the output folder cannot be created or written. */
export async function assertWritableFolder(folder: string, configPath = 'output.dir'): Promise<void> {
  const probe = path.join(folder, `.parley-write-check-${process.pid}`);
  try {
    await mkdir(folder, { recursive: true });
    await writeFile(probe, 'ok');
    await rm(probe, { force: true });
  } catch (error) {
    throw new ConfigError([
      {
        path: configPath,
        message: `${folder} is not writable (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      },
    ]);
  }
}
