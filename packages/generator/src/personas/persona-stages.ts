import { InputError } from '@parley/core';
import type { CallContext } from '@parley/llm';
import { bootstrapPersonasStage } from './bootstrap-personas-stage';
import { bootstrapQueriesStage } from './bootstrap-queries-stage';
import { checkConsistencyStage } from './check-consistency-stage';
import { induceQueriesStage } from './induce-queries-stage';
import type { PersonaStageModels, PersonaStageName } from './persona-stage';

/** Every chunk stage by name: what a worker looks a `personas` job's name up in. */
export const PERSONA_STAGES = {
  'induce-queries': induceQueriesStage,
  'bootstrap-queries': bootstrapQueriesStage,
  'bootstrap-personas': bootstrapPersonasStage,
  'check-consistency': checkConsistencyStage,
} as const satisfies Record<PersonaStageName, unknown>;

export function isPersonaStageName(name: string): name is PersonaStageName {
  return Object.hasOwn(PERSONA_STAGES, name);
}

/**
 * Runs one chunk of a named stage: validates the input, calls the stage's model, returns the
 * validated output. This is the whole body of a worker's `personas` job processor.
 */
export async function runPersonaChunk(
  stageName: string,
  input: unknown,
  models: PersonaStageModels,
  context?: CallContext,
): Promise<unknown> {
  if (!isPersonaStageName(stageName)) {
    throw new InputError(
      `personas job ${stageName}`,
      `unknown stage (expected one of ${Object.keys(PERSONA_STAGES).join(', ')})`,
    );
  }
  const stage = PERSONA_STAGES[stageName];
  const parsed = stage.inputSchema.safeParse(input);
  if (!parsed.success) {
    throw new InputError(`personas job ${stageName}`, `invalid chunk input: ${parsed.error.message}`);
  }
  // Each stage's run is typed by its own item; the registry lookup erases that, the schema restores it.
  return (
    stage.run as (input: unknown, models: PersonaStageModels, context?: CallContext) => Promise<unknown>
  )(parsed.data, models, context);
}
