import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { createLogger, type LogFormat, prettyDestination } from '@parley/core';
import { type DestinationStream, type Logger, pino } from 'pino';
import { LastWarning } from './last-warning';

export interface RunLogOptions {
  level: string;
  format: LogFormat;
}

/**
 * The embedded run's logger. Its lines go to standard error until `toFile` sends them to a log
 * file (while progress bars hold the terminal, a log line would break them); either way the
 * last warning is kept for the progress line.
 */
export class RunLog {
  readonly logger: Logger;
  readonly lastWarning = new LastWarning();
  private readonly terminal: DestinationStream;
  private sink: DestinationStream;
  private file: { path: string; stream: WriteStream; sink: DestinationStream } | undefined;

  constructor(private readonly options: RunLogOptions) {
    this.terminal =
      options.format === 'pretty' ? prettyDestination() : pino.destination({ fd: 2, sync: false });
    this.sink = this.terminal;
    this.logger = createLogger({
      name: 'parley',
      level: options.level,
      format: options.format,
      destination: { write: (line: string) => this.write(line) },
    });
  }

  /** The log file lines go to, once `toFile` was called. */
  get filePath(): string | undefined {
    return this.file?.path;
  }

  /** From now on, lines are appended to `file` (pretty without colours, or JSON, as chosen). */
  async toFile(file: string): Promise<void> {
    await mkdir(path.dirname(file), { recursive: true });
    const stream = createWriteStream(file, { flags: 'a' });
    await once(stream, 'open');
    const sink =
      this.options.format === 'pretty' ? prettyDestination({ destination: stream, colorize: false }) : stream;
    this.file = { path: file, stream, sink };
    this.sink = sink;
  }

  /** Lines go to standard error again; the log file is flushed and closed. */
  async close(): Promise<void> {
    const file = this.file;
    if (!file) return;
    this.sink = this.terminal;
    this.file = undefined;
    const closed = once(file.stream, 'close');
    // pino-pretty ends the file stream when it ends itself; a plain file stream is ended here.
    (file.sink as NodeJS.WritableStream).end();
    await closed;
  }

  private write(line: string): void {
    this.lastWarning.observe(line);
    this.sink.write(line);
  }
}
