import { createHash } from 'node:crypto';
import { type Conversation, hashString, type ProfilePair, runIndependentId } from '@parley/core';

/**
 * Draws `count` few-shot examples from the pool, deterministically for a given key (so a
 * retried job, and a re-run of the same job on the same seed, sends the same prompt and hits
 * the response cache), never the target pair's own conversation (the Generator would copy it).
 *
 * `key` must not name the run; examples are ranked on their ids without the run id
 * (runIndependentId), because an iteration's pool holds the run's own conversations.
 */
export function pickExamples(
  pool: readonly Conversation[],
  pair: ProfilePair,
  count: number,
  key: string,
): Conversation[] {
  const target = personaKey(pair.user1.attributes, pair.user2.attributes);
  const eligible = pool.filter(
    (example) => personaKey(example.user1Persona, example.user2Persona) !== target,
  );
  return eligible
    .map((example) => ({
      example,
      rank: createHash('sha256')
        .update(`${key}\u0000${runIndependentId(example.id)}`)
        .digest('hex'),
    }))
    .sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0))
    .slice(0, count)
    .map(({ example }) => example);
}

/**
 * The key of one candidate's few-shot draw: the run's seed and the candidate's place in the
 * job (iteration, block of pairs, candidate), never the run id, whose suffix is random.
 * Pairs are spread over EXAMPLE_BLOCKS blocks by a hash of their id; the pairs of one block
 * draw the same examples, so their Generator prompts share a long byte-identical prefix that
 * the providers' prompt caches bill at the cached price.
 */
export function exampleDrawKey(
  randomSeed: number,
  iteration: number,
  pairId: string,
  candidate: number,
): string {
  return `examples|${randomSeed}|${iteration}|block${hashString(pairId) % EXAMPLE_BLOCKS}|${candidate}`;
}

/** Blocks of pairs sharing a few-shot draw per iteration and candidate number (see exampleDrawKey). */
export const EXAMPLE_BLOCKS = 64;

/**
 * The draw key behind a generated conversation, from its id (`run.iteration.pair.candidate`),
 * for tools that retell a run's decisions; undefined for any other id.
 */
export function exampleDrawKeyOf(conversationId: string, randomSeed: number): string | undefined {
  const withinJob = runIndependentId(conversationId);
  if (withinJob === conversationId) return undefined;
  const [iteration, pairId, candidate] = withinJob.split('.') as [string, string, string];
  return exampleDrawKey(randomSeed, Number(iteration), pairId, Number(candidate));
}

function personaKey(user1: readonly string[], user2: readonly string[]): string {
  return `${[...user1].sort().join('\n')}\u0000${[...user2].sort().join('\n')}`;
}
