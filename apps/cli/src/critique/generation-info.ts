import type {
  AcceptedConversation,
  Conversation,
  GenerationInfo,
  GeneratorConfig,
  ProfilePair,
  RejectedCandidate,
  TokenUsage,
} from '@parley/core';
import { exampleDrawKeyOf, pickExamples } from '@parley/generator';
import type { ReleaseManifest } from '@parley/scheduler';

export interface GenerationFacts {
  /** The model id the run's Generator answered with. */
  model: string;
  generator: Pick<GeneratorConfig, 'temperature' | 'topK' | 'examplesPerPrompt'>;
  randomSeed: number;
  /**
   * Each iteration's example pool, when every conversation of it could be found (seed examples,
   * the release's own conversations); absent, the few-shot ids cannot be told.
   */
  pools: ReadonlyMap<number, readonly Conversation[]>;
}

/**
 * How the run's Generator made a candidate whose line does not say (rejected lines carry no
 * generator metadata): the same decisions `generateCandidate` takes, from the same inputs.
 * The few-shot examples are drawn from the iteration's pool keyed by the run's seed and the
 * candidate's iteration, pair and number (exampleDrawKeyOf),
 * the decoding seed is `randomSeed * 1000 + candidate`. `fewShotIds` is empty when the pool
 * is unknown (`complete: false`).
 */
export function reconstructGeneration(
  conversation: Conversation,
  iteration: number,
  candidate: number,
  usage: TokenUsage,
  facts: GenerationFacts,
): { generation: GenerationInfo; complete: boolean } {
  const pool = facts.pools.get(iteration);
  const target: ProfilePair = {
    id: conversation.id,
    user1: { id: 'user1', attributes: conversation.user1Persona },
    user2: { id: 'user2', attributes: conversation.user2Persona },
  };
  const drawKey = exampleDrawKeyOf(conversation.id, facts.randomSeed) ?? conversation.id;
  const fewShotIds = pool
    ? pickExamples(pool, target, facts.generator.examplesPerPrompt, drawKey).map((example) => example.id)
    : [];
  return {
    generation: {
      model: facts.model,
      fewShotIds,
      temperature: facts.generator.temperature,
      topK: facts.generator.topK,
      seed: facts.randomSeed * 1_000 + candidate,
      usage,
    },
    complete: pool !== undefined,
  };
}

/**
 * What the run's Generator decided with: its model id, decoding, seed, and each iteration's
 * example pool, found by id among the seed's conversations and the release's own (an
 * iteration's pool is the best of the one before). A pool with an id found nowhere is left out.
 */
export function generationFacts(
  manifest: ReleaseManifest,
  accepted: readonly AcceptedConversation[],
  rejected: readonly RejectedCandidate[],
  seed: readonly Conversation[],
): GenerationFacts {
  const known = new Map<string, Conversation>();
  for (const conversation of seed) known.set(conversation.id, conversation);
  for (const line of rejected) if (line.conversation) known.set(line.conversation.id, line.conversation);
  for (const line of accepted) known.set(line.id, line);
  const pools = new Map<number, Conversation[]>();
  for (const entry of manifest.iterations) {
    const pool = entry.examplePoolIds.map((id) => known.get(id));
    if (pool.every((conversation) => conversation !== undefined)) pools.set(entry.iteration, pool);
  }
  const generatorBinding = manifest.config.generator.model;
  return {
    model: accepted[0]?.generator.model ?? manifest.models[generatorBinding]?.model ?? generatorBinding,
    generator: manifest.config.generator,
    randomSeed: manifest.config.randomSeed,
    pools,
  };
}
