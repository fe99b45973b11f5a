import type { z } from 'zod';
import { AtomicFileWriter } from './atomic-file-writer';

/** Options of an AtomicJsonlWriter. */
export interface AtomicJsonlWriterOptions<T> {
  /**
   * Validates (and strips) each value before it is written; a bad value throws and nothing
   * of it is written.
   * @defaultValue undefined (values are written as given)
   */
  schema?: z.ZodType<T>;
}

/**
 * Writes one JSON value a line to a temp file; `commit()` renames it into place, `abort()`
 * removes it (see AtomicFileWriter).
 */
export class AtomicJsonlWriter<T = unknown> {
  private readonly file: AtomicFileWriter;
  private readonly schema: z.ZodType<T> | undefined;
  private written = 0;

  private constructor(file: AtomicFileWriter, options: AtomicJsonlWriterOptions<T>) {
    this.file = file;
    this.schema = options.schema;
  }

  static async create<T = unknown>(
    target: string,
    options: AtomicJsonlWriterOptions<T> = {},
  ): Promise<AtomicJsonlWriter<T>> {
    return new AtomicJsonlWriter(await AtomicFileWriter.create(target), options);
  }

  get target(): string {
    return this.file.target;
  }

  /** Lines written so far. */
  get count(): number {
    return this.written;
  }

  async write(value: T): Promise<void> {
    const checked = this.schema ? this.schema.parse(value) : value;
    // JSON.stringify escapes line breaks inside strings, so one value is always one line.
    const line = `${JSON.stringify(checked)}\n`;
    this.written += 1;
    await this.file.write(line);
  }

  commit(): Promise<void> {
    return this.file.commit();
  }

  abort(): Promise<void> {
    return this.file.abort();
  }
}
