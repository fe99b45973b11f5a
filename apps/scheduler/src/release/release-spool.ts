import { randomBytes } from 'node:crypto';
import { type FileHandle, mkdir, open, readdir, rm } from 'node:fs/promises';
import path from 'node:path';

/** Where one line sits in the spool file. */
export interface SpoolLine {
  /** Byte offset. */
  offset: number;
  /** Bytes, without the newline. */
  length: number;
}

/** Appended lines are written out in blocks of about this size. */
const BLOCK_BYTES = 1 << 20;
/** Lines read back per batch (bounds memory: a batch of conversations is a few MB). */
const BATCH_LINES = 4_096;
/** Lines less than this far apart in the file are fetched by one read... */
const GAP_BYTES = 256 * 1024;
/** ...of at most about this size. */
const READ_BYTES = 8 << 20;
const SPOOL_FILE = /^release-spool\.\d+\.[0-9a-f]+\.tmp$/;

/**
 * A scratch file holding the release's lines while it is written, so the scheduler keeps only
 * their sort keys and positions in memory, not the conversations: a large run's release is
 * written in bounded memory. Lines go in once, in any order, and are read back by position,
 * as often as the release needs them (iteration file, conversations.jsonl, SPC splits).
 */
export class ReleaseSpool {
  private readonly handle: FileHandle;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes in the file plus `pending`. */
  private size = 0;

  private constructor(
    readonly file: string,
    handle: FileHandle,
  ) {
    this.handle = handle;
  }

  /**
   * Opens a new spool in `folder` (a run's `.work/`), first removing spools an interrupted
   * release write left behind; one release is written per run at a time (the run lease).
   */
  static async create(folder: string): Promise<ReleaseSpool> {
    await mkdir(folder, { recursive: true });
    await removeStaleSpools(folder);
    const file = path.join(folder, `release-spool.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    return new ReleaseSpool(file, await open(file, 'wx+'));
  }

  /** Appends one line (no newline in it) and says where it went. */
  append(line: string): SpoolLine {
    const bytes = Buffer.from(`${line}\n`, 'utf8');
    const at = { offset: this.size, length: bytes.length - 1 };
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    this.size += bytes.length;
    return at;
  }

  /** Writes appended lines out once enough have gathered; call between appends to bound memory. */
  async flushIfFull(): Promise<void> {
    if (this.pendingBytes >= BLOCK_BYTES) await this.flush();
  }

  /**
   * The lines at `positions`, in that order. Reads them a batch at a time, each batch in file
   * order with neighbouring lines fetched by one read: the release's sort order is close to,
   * but not, the order pairs settled in.
   */
  async *readInOrder(positions: readonly SpoolLine[]): AsyncGenerator<string> {
    for (let start = 0; start < positions.length; start += BATCH_LINES) {
      yield* await this.readBatch(positions.slice(start, start + BATCH_LINES));
    }
  }

  /** One line, as it was appended. */
  async read(at: SpoolLine): Promise<string> {
    const [line] = await this.readBatch([at]);
    return line as string;
  }

  private async readBatch(positions: readonly SpoolLine[]): Promise<string[]> {
    if (this.pendingBytes > 0) await this.flush();
    const byOffset = positions.map((_, index) => index).sort((a, b) => offsetOf(a) - offsetOf(b));
    function offsetOf(index: number): number {
      return (positions[index] as SpoolLine).offset;
    }
    const lines = new Array<string>(positions.length);
    for (let first = 0; first < byOffset.length; ) {
      // One read spans lines separated by small gaps, up to a bounded size.
      const start = offsetOf(byOffset[first] as number);
      let end = start;
      let last = first;
      for (; last < byOffset.length; last++) {
        const at = positions[byOffset[last] as number] as SpoolLine;
        if (last > first && (at.offset - end > GAP_BYTES || at.offset + at.length - start > READ_BYTES))
          break;
        end = Math.max(end, at.offset + at.length);
      }
      const bytes = await this.readRange(start, end);
      for (let index = first; index < last; index++) {
        const at = positions[byOffset[index] as number] as SpoolLine;
        lines[byOffset[index] as number] = bytes.toString(
          'utf8',
          at.offset - start,
          at.offset - start + at.length,
        );
      }
      first = last;
    }
    return lines;
  }

  private async readRange(start: number, end: number): Promise<Buffer> {
    const bytes = Buffer.allocUnsafe(end - start);
    for (let done = 0; done < bytes.length; ) {
      const { bytesRead } = await this.handle.read(bytes, done, bytes.length - done, start + done);
      if (bytesRead === 0) throw new Error(`${this.file}: ends before byte ${end}`);
      done += bytesRead;
    }
    return bytes;
  }

  /** Closes and deletes the spool. Safe to call more than once. */
  async remove(): Promise<void> {
    this.pending = [];
    await this.handle.close().catch(() => undefined);
    await rm(this.file, { force: true });
  }

  private async flush(): Promise<void> {
    const bytes = Buffer.concat(this.pending);
    const offset = this.size - this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    await this.handle.write(bytes, 0, bytes.length, offset);
  }
}

async function removeStaleSpools(folder: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  for (const name of names) if (SPOOL_FILE.test(name)) await rm(path.join(folder, name), { force: true });
}
