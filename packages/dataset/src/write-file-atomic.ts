import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { syncDirectory } from './sync-directory';
import { tempPathFor } from './temp-path';

/**
 * Writes a whole file so that readers see either the old file or the complete new one, never
 * a part: the data goes to a temp file in the same folder, is fsynced, then renamed over
 * `target` (and the folder is fsynced). On failure the temp file is removed.
 */
export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  const temp = tempPathFor(target);
  const handle = await open(temp, 'wx');
  try {
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(path.dirname(target));
}
