import { type FileHandle, mkdir, open } from 'node:fs/promises';
import path from 'node:path';

/**
 * Appends JSON lines to files, keeping one handle per file. Each line goes out in one write
 * call, so a killed process leaves at most a truncated last line, which the release writer
 * skips and counts. Lines reach the OS at once (no buffering in the process), so a process
 * crash loses nothing already appended.
 */
export class LineAppender {
  private readonly handles = new Map<string, Promise<FileHandle>>();
  private readonly queues = new Map<string, Promise<void>>();

  async append(file: string, records: readonly unknown[]): Promise<void> {
    if (records.length === 0) return;
    const text = records.map((record) => `${JSON.stringify(record)}\n`).join('');
    // Serialise writes per file: concurrent settle jobs must not interleave partial lines.
    const previous = this.queues.get(file) ?? Promise.resolve();
    const next = previous.then(async () => {
      const handle = await this.handle(file);
      await handle.write(text);
    });
    this.queues.set(
      file,
      next.catch(() => undefined),
    );
    await next;
  }

  private handle(file: string): Promise<FileHandle> {
    let handle = this.handles.get(file);
    if (!handle) {
      handle = mkdir(path.dirname(file), { recursive: true }).then(() => openEndingWithNewline(file));
      this.handles.set(file, handle);
    }
    return handle;
  }

  /** Closes the handles of files under `folder` (a finished run). */
  async closeUnder(folder: string): Promise<void> {
    for (const [file, handle] of this.handles) {
      if (file.startsWith(folder)) {
        this.handles.delete(file);
        this.queues.delete(file);
        await (await handle).close();
      }
    }
  }

  async closeAll(): Promise<void> {
    await this.closeUnder('');
  }
}

/**
 * Opens a file for appending. A process killed mid-line leaves a fragment; ending it with a
 * newline keeps the next record on a line of its own (the reader skips the fragment).
 */
async function openEndingWithNewline(file: string): Promise<FileHandle> {
  const handle = await open(file, 'a+');
  const { size } = await handle.stat();
  if (size > 0) {
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    if (last[0] !== 0x0a) await handle.write('\n');
  }
  return handle;
}
