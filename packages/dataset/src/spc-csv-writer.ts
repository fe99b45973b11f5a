import type { Conversation } from '@parley/core';
import { AtomicFileWriter } from './atomic-file-writer';
import { spcCsvHeader, toSpcCsvRow } from './to-spc-csv';

/**
 * Streams conversations into an SPC-compatible CSV (`user 1 personas`, `user 2 personas`,
 * `Best Generated Conversation`), atomically: `commit()` renames the finished file into place.
 */
export class SpcCsvWriter {
  private readonly file: AtomicFileWriter;
  private written = 0;

  private constructor(file: AtomicFileWriter) {
    this.file = file;
  }

  /** Opens the temp file and writes the header. */
  static async create(target: string): Promise<SpcCsvWriter> {
    const file = await AtomicFileWriter.create(target);
    await file.write(spcCsvHeader());
    return new SpcCsvWriter(file);
  }

  get target(): string {
    return this.file.target;
  }

  /** Rows written so far. */
  get count(): number {
    return this.written;
  }

  async write(conversation: Conversation): Promise<void> {
    this.written += 1;
    await this.file.write(toSpcCsvRow(conversation));
  }

  commit(): Promise<void> {
    return this.file.commit();
  }

  abort(): Promise<void> {
    return this.file.abort();
  }
}
