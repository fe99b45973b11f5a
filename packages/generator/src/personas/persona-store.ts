import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '@parley/dataset';

/** A chunk's stored output, keyed by the hash of the input it was computed from. */
export interface StoredChunk {
  inputHash: string;
  output: unknown;
}

/** The record files of stages 1–3 in a run folder. */
export type PersonaRecordFile = 'queries' | 'personas' | 'profiles' | 'pairs';

/**
 * Where stages 1–3 keep their results. Chunk outputs make a resumed run cheap (a chunk whose
 * output is stored for the same input is not run again); record files are the stage outputs.
 */
export interface PersonaStore {
  readChunk(stageName: string, chunkId: string): Promise<StoredChunk | undefined>;
  writeChunk(stageName: string, chunkId: string, chunk: StoredChunk): Promise<void>;
  /** Replaces `<file>.jsonl` with these records, one JSON object a line. */
  writeRecords(file: PersonaRecordFile, records: readonly unknown[]): Promise<void>;
}

/** A store in memory, for tests and dry runs. */
export class MemoryPersonaStore implements PersonaStore {
  readonly chunks = new Map<string, StoredChunk>();
  readonly records = new Map<PersonaRecordFile, unknown[]>();

  async readChunk(stageName: string, chunkId: string): Promise<StoredChunk | undefined> {
    return this.chunks.get(`${stageName}/${chunkId}`);
  }

  async writeChunk(stageName: string, chunkId: string, chunk: StoredChunk): Promise<void> {
    this.chunks.set(`${stageName}/${chunkId}`, chunk);
  }

  async writeRecords(file: PersonaRecordFile, records: readonly unknown[]): Promise<void> {
    this.records.set(file, [...records]);
  }
}

/**
 * A store in a run folder: `<folder>/queries.jsonl`, `personas.jsonl`, `profiles.jsonl`,
 * `pairs.jsonl` (written atomically: temp file + rename) and `<folder>/chunks/<stage>.jsonl`
 * (one `{chunkId, inputHash, output}` a line, appended as chunks finish). A run killed mid-append
 * leaves at most a torn last line, which is skipped on reading: that chunk just runs again.
 */
export class JsonlPersonaStore implements PersonaStore {
  private readonly loaded = new Map<string, Promise<Map<string, StoredChunk>>>();
  private readonly appending = new Map<string, Promise<void>>();

  /**
   * @param folder where the record files go (the run folder)
   * @param chunkFolder where chunk outputs go; a run keeps them in `.work/` so the release holds only records.
   * @defaultValue chunkFolder `<folder>/chunks`
   */
  constructor(
    readonly folder: string,
    readonly chunkFolder = path.join(folder, 'chunks'),
  ) {}

  async readChunk(stageName: string, chunkId: string): Promise<StoredChunk | undefined> {
    return (await this.load(stageName)).get(chunkId);
  }

  async writeChunk(stageName: string, chunkId: string, chunk: StoredChunk): Promise<void> {
    const chunks = await this.load(stageName);
    chunks.set(chunkId, chunk);
    const line = `${JSON.stringify({ chunkId, inputHash: chunk.inputHash, output: chunk.output })}\n`;
    // One append at a time per file, so concurrent chunks never interleave their lines.
    const previous = this.appending.get(stageName) ?? Promise.resolve();
    const next = previous.then(async () => {
      await mkdir(path.dirname(this.chunkFile(stageName)), { recursive: true });
      await appendFile(this.chunkFile(stageName), line, 'utf8');
    });
    this.appending.set(
      stageName,
      next.catch(() => undefined),
    );
    await next;
  }

  async writeRecords(file: PersonaRecordFile, records: readonly unknown[]): Promise<void> {
    await mkdir(this.folder, { recursive: true });
    await writeFileAtomic(
      path.join(this.folder, `${file}.jsonl`),
      records.map((record) => `${JSON.stringify(record)}\n`).join(''),
    );
  }

  private chunkFile(stageName: string): string {
    return path.join(this.chunkFolder, `${stageName}.jsonl`);
  }

  private load(stageName: string): Promise<Map<string, StoredChunk>> {
    let loading = this.loaded.get(stageName);
    if (!loading) {
      loading = readChunkFile(this.chunkFile(stageName));
      this.loaded.set(stageName, loading);
    }
    return loading;
  }
}

async function readChunkFile(file: string): Promise<Map<string, StoredChunk>> {
  const chunks = new Map<string, StoredChunk>();
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return chunks;
    throw error;
  }
  for (const line of text.split('\n')) {
    if (line.trim().length === 0) continue;
    try {
      const entry = JSON.parse(line) as { chunkId?: unknown; inputHash?: unknown; output?: unknown };
      if (typeof entry.chunkId === 'string' && typeof entry.inputHash === 'string') {
        chunks.set(entry.chunkId, { inputHash: entry.inputHash, output: entry.output });
      }
    } catch {
      // A torn line from an interrupted append: that chunk is simply run again.
    }
  }
  return chunks;
}
