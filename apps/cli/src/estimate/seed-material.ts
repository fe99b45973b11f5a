import { ConfigError, type Conversation, type ProfilePair, type RunConfig } from '@parley/core';
import { readSeed } from '@parley/dataset';
import { seedPairsFromConversations, withSeedTurnBounds } from '@parley/generator';
import { examplesFitFromSeed, planIteration, seedExamplePool } from '@parley/scheduler';

/** What the estimate renders prompts from: the seed as the run will use it. */
export interface SeedMaterial {
  /** The config with its turn bounds derived from the seed, as a new run stores it. */
  config: RunConfig;
  conversations: Conversation[];
  /** Iteration 1's few-shot pool. */
  pool: Conversation[];
  /** The seed's own profile pairs (seed-pairs mode), each with the conversation it came from. */
  pairs: Array<{ pair: ProfilePair; conversation: Conversation }>;
}

/**
 * Reads the seed like the run's preparer: the same reader and options, the same pool rule
 * (conversations with turns and no quirk that would be copied, spread evenly up to the pool
 * size) and the same pairs (the seed's profile pairs). Throws ConfigError when the seed holds
 * nothing usable, as `parley run` would refuse it.
 */
export async function readSeedMaterial(config: RunConfig): Promise<SeedMaterial> {
  const { records } = await readSeed(config.seed.path, {
    format: config.seed.format,
    mode: config.seed.mode,
    limit: config.seed.limit,
  }).collect();
  const conversations = records.map((record) => record.conversation);
  const spoken = conversations.filter((conversation) => conversation.turns.some((turn) => turn.speaker));
  if (spoken.length === 0) {
    throw new ConfigError([
      { path: 'seed.path', message: `${config.seed.path} holds no usable conversation` },
    ]);
  }
  const pool = seedExamplePool(examplesFitFromSeed(records), config);
  // One pair per conversation with both personas, in seed order: zip them back together.
  const withPersonas = conversations.filter(
    (conversation) => hasPersona(conversation.user1Persona) && hasPersona(conversation.user2Persona),
  );
  const { pairs } = seedPairsFromConversations(withPersonas);
  return {
    config: await withSeedTurnBounds(config),
    conversations,
    pool,
    pairs: pairs.map((pair, index) => ({ pair, conversation: withPersonas[index]! })),
  };
}

/** The pairs of iteration 1, as the scheduler plans them (planIteration), each with its item. */
export function firstIterationPairs<T extends { pair: ProfilePair }>(
  pairs: readonly T[],
  count: number,
): T[] {
  const planned = planIteration(
    pairs.map((item) => item.pair),
    1,
    count,
  );
  return planned.map((pair, offset) => ({ ...pairs[offset % pairs.length]!, pair }));
}

function hasPersona(attributes: readonly string[]): boolean {
  return attributes.some((attribute) => attribute.trim().length > 0);
}
