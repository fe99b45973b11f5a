import { type FileHandle, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { syncDirectory } from './sync-directory';
import { tempPathFor } from './temp-path';

/** Text is written in blocks of about this size. */
const FLUSH_BYTES = 64 * 1024;

/**
 * Streams text into a temp file beside `target`; `commit()` fsyncs and renames it into place,
 * `abort()` removes it. Until `commit()` resolves, `target` is untouched, so a run killed
 * mid-way never leaves a truncated file under the final name.
 */
export class AtomicFileWriter {
  readonly target: string;
  readonly tempPath: string;
  private readonly handle: FileHandle;
  private buffered: string[] = [];
  private bufferedLength = 0;
  /** Writes run one after another, in call order. */
  private writing: Promise<void> = Promise.resolve();
  private state: 'open' | 'committed' | 'aborted' = 'open';

  private constructor(target: string, tempPath: string, handle: FileHandle) {
    this.target = target;
    this.tempPath = tempPath;
    this.handle = handle;
  }

  /** Opens the temp file. */
  static async create(target: string): Promise<AtomicFileWriter> {
    const tempPath = tempPathFor(target);
    const handle = await open(tempPath, 'wx');
    return new AtomicFileWriter(target, tempPath, handle);
  }

  /** Appends text; resolves once it is handed to the file system (or buffered). */
  async write(text: string): Promise<void> {
    this.assertOpen('write');
    this.buffered.push(text);
    this.bufferedLength += text.length;
    if (this.bufferedLength >= FLUSH_BYTES) await this.flush();
  }

  /** Flushes, fsyncs and renames the temp file to `target`. */
  async commit(): Promise<void> {
    this.assertOpen('commit');
    this.state = 'committed';
    try {
      await this.flush();
      await this.handle.sync();
      await this.handle.close();
      await rename(this.tempPath, this.target);
    } catch (error) {
      await this.handle.close().catch(() => undefined);
      await rm(this.tempPath, { force: true });
      throw error;
    }
    await syncDirectory(path.dirname(this.target));
  }

  /** Drops everything written; `target` stays as it was. Safe to call more than once. */
  async abort(): Promise<void> {
    if (this.state !== 'open') return;
    this.state = 'aborted';
    await this.writing.catch(() => undefined);
    await this.handle.close().catch(() => undefined);
    await rm(this.tempPath, { force: true });
  }

  private flush(): Promise<void> {
    if (this.buffered.length > 0) {
      const block = this.buffered.join('');
      this.buffered = [];
      this.bufferedLength = 0;
      this.writing = this.writing.then(async () => {
        await this.handle.writeFile(block);
      });
    }
    return this.writing;
  }

  private assertOpen(action: string): void {
    if (this.state !== 'open')
      throw new Error(`${this.target}: cannot ${action}, the writer is ${this.state}`);
  }
}
