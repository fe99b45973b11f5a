import type { CallContext } from '@parley/llm';
import type { PersonaStageModels, PersonaStageName } from './persona-stage';
import { runPersonaChunk } from './persona-stages';

/**
 * Runs one chunk of a stage and resolves to its output. Injected into the orchestrator:
 * in-process for tests and the embedded mode, a BullMQ job round trip in the pipeline. It must
 * be idempotent (the same chunk may run twice) and must not persist anything itself.
 */
export type RunChunk = (stageName: PersonaStageName, chunkId: string, input: unknown) => Promise<unknown>;

/** Options of {@link createInProcessChunkRunner}. */
export interface InProcessChunkRunnerOptions {
  /** The models the stages need: `personas` always, `consistency` when one is configured. */
  models: PersonaStageModels;
  /** Run id, abort signal: passed to every model call. @defaultValue {} */
  context?: CallContext;
}

/** A {@link RunChunk} that runs the stage right here, in this process. */
export function createInProcessChunkRunner(options: InProcessChunkRunnerOptions): RunChunk {
  return (stageName, _chunkId, input) => runPersonaChunk(stageName, input, options.models, options.context);
}
