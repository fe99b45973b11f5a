import { createHash } from 'node:crypto';
import { addUsage, InputError, type TokenUsage, ZERO_USAGE } from '@parley/core';
import type { RunChunk } from './in-process-chunk-runner';
import type { ChunkOutput, PersonaStage } from './persona-stage';
import type { PersonaStore } from './persona-store';

/** One chunk to run: a stable id (the job id suffix) and its items. */
export interface PlannedChunk<Item> {
  chunkId: string;
  items: Item[];
}

/** Progress of stages 1–3, one event per finished chunk. */
export interface ChunkEvent {
  stage: string;
  chunkId: string;
  /** True when the output came from the store instead of a run. */
  reused: boolean;
  items: number;
}

/**
 * Runs chunks through the injected {@link RunChunk}, at most `concurrency` at a time, and
 * persists each output as soon as it arrives. A chunk whose output is stored for the same input
 * (by hash) is not run again. Outputs come back in plan order, whatever order chunks finish in,
 * so everything downstream is deterministic.
 */
export class ChunkDispatcher {
  chunksRun = 0;
  chunksReused = 0;
  usage: TokenUsage = { ...ZERO_USAGE };

  constructor(
    private readonly runChunk: RunChunk,
    private readonly store: PersonaStore,
    private readonly concurrency: number,
    private readonly onChunk?: (event: ChunkEvent) => void,
    private readonly signal?: AbortSignal,
  ) {}

  async runAll<Item, Answer, Result>(
    stage: PersonaStage<Item, Answer, Result>,
    chunks: readonly PlannedChunk<Item>[],
  ): Promise<ChunkOutput<Result>[]> {
    const outputs = new Array<ChunkOutput<Result>>(chunks.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < chunks.length) {
        const index = next++;
        outputs[index] = await this.runOne(stage, chunks[index] as PlannedChunk<Item>);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, chunks.length) }, worker));
    return outputs;
  }

  private async runOne<Item, Answer, Result>(
    stage: PersonaStage<Item, Answer, Result>,
    chunk: PlannedChunk<Item>,
  ): Promise<ChunkOutput<Result>> {
    // A cancelled run starts no new chunk; chunks in flight finish (or abort through runChunk).
    this.signal?.throwIfAborted();
    const input = { items: chunk.items };
    const inputHash = createHash('sha256').update(JSON.stringify(input)).digest('hex');
    const location = `${stage.name}/${chunk.chunkId}`;
    const stored = await this.store.readChunk(stage.name, chunk.chunkId);
    if (stored && stored.inputHash === inputHash) {
      const parsed = stage.outputSchema.safeParse(stored.output);
      if (parsed.success && parsed.data.results.length === chunk.items.length) {
        this.chunksReused++;
        this.onChunk?.({
          stage: stage.name,
          chunkId: chunk.chunkId,
          reused: true,
          items: chunk.items.length,
        });
        // Tokens of a reused chunk were spent by an earlier attempt of the run: count them once there.
        return parsed.data;
      }
    }
    const raw = await this.runChunk(stage.name, chunk.chunkId, input);
    const parsed = stage.outputSchema.safeParse(raw);
    if (!parsed.success) throw new InputError(location, `invalid chunk output: ${parsed.error.message}`);
    if (parsed.data.results.length !== chunk.items.length) {
      throw new InputError(
        location,
        `chunk output has ${parsed.data.results.length} results for ${chunk.items.length} items`,
      );
    }
    await this.store.writeChunk(stage.name, chunk.chunkId, { inputHash, output: parsed.data });
    this.chunksRun++;
    this.usage = addUsage(this.usage, parsed.data.usage);
    this.onChunk?.({ stage: stage.name, chunkId: chunk.chunkId, reused: false, items: chunk.items.length });
    return parsed.data;
  }
}

/** Splits items into chunks of at most `size`, ids `<prefix>-<n>` (n from 0, zero-padded). */
export function planChunks<Item>(prefix: string, items: readonly Item[], size: number): PlannedChunk<Item>[] {
  const chunks: PlannedChunk<Item>[] = [];
  for (let start = 0; start < items.length; start += size) {
    chunks.push({
      chunkId: `${prefix}-${String(chunks.length).padStart(4, '0')}`,
      items: items.slice(start, start + size),
    });
  }
  return chunks;
}
