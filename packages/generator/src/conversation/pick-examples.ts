import { createHash } from 'node:crypto';
import type { Conversation, ProfilePair } from '@parley/core';

/**
 * Draws `count` few-shot examples from the pool, deterministically for a given key (so a
 * retried job sends the same prompt and hits the response cache), never the target pair's
 * own conversation (the Generator would copy it).
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
      rank: createHash('sha256').update(`${key}\u0000${example.id}`).digest('hex'),
    }))
    .sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0))
    .slice(0, count)
    .map(({ example }) => example);
}

function personaKey(user1: readonly string[], user2: readonly string[]): string {
  return `${[...user1].sort().join('\n')}\u0000${[...user2].sort().join('\n')}`;
}
