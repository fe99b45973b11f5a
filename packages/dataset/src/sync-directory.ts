import { open } from 'node:fs/promises';

/**
 * Flushes a folder's entries so that a rename into it survives a crash. Not every platform
 * can open a folder for fsync (Windows cannot); there the rename is as durable as it gets.
 */
export async function syncDirectory(directory: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EBADF') throw error;
  } finally {
    await handle?.close();
  }
}
