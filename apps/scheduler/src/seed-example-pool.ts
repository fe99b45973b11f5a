import type { Conversation, RunConfig } from '@parley/core';
import type { SeedRecord } from '@parley/dataset';

/** Quirks that make a seed conversation a poor few-shot example (the Generator would copy them). */
const UNFIT_FOR_EXAMPLES = new Set([
  'placeholder',
  'unprefixed-line',
  'empty-conversation',
  'stage-direction',
  'missing-persona',
]);

/** Seed conversations fit to be few-shot examples: with turns, and no quirk the Generator would copy. */
export function examplesFitFromSeed(records: readonly SeedRecord[]): Conversation[] {
  return records
    .filter(
      (record) =>
        record.conversation.turns.length > 0 &&
        !record.quirks.some((quirk) => UNFIT_FOR_EXAMPLES.has(quirk.kind)),
    )
    .map((record) => record.conversation);
}

/** Iteration 1's pool: a deterministic spread over the fit examples, up to the pool size. */
export function seedExamplePool(
  fit: readonly Conversation[],
  config: Pick<RunConfig, 'examplePool'>,
): Conversation[] {
  const size = config.examplePool.size;
  if (fit.length <= size) return [...fit];
  const step = fit.length / size;
  return Array.from({ length: size }, (_, index) => fit[Math.floor(index * step)]!);
}
