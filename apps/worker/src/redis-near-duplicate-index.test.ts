import { randomUUID } from 'node:crypto';
import type { Conversation } from '@parley/core';
import { conversationSignature, createNearDuplicateExpert, InMemoryNearDuplicateIndex } from '@parley/critic';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteNamespace } from '../../../test/support/redis-namespace';
import { loadSpcTestConversations, spcTestCsvExists } from '../../../test/support/spc-test-split';
import { RedisNearDuplicateIndex } from './redis-near-duplicate-index';

const NAMESPACE = `nd-test-${randomUUID().slice(0, 8)}`;
const PREFIX = `{${NAMESPACE}}`;

/** A near copy: the same conversation with its last line reworded and a new id. */
function nearCopy(conversation: Conversation, id: string): Conversation {
  const turns = conversation.turns.map((turn) => ({ ...turn }));
  turns[turns.length - 1] = { ...turns.at(-1)!, text: 'Okay, talk to you later then, bye!' };
  return { ...conversation, id, turns };
}

describe.skipIf(!spcTestCsvExists())('RedisNearDuplicateIndex (real Redis, SPC conversations)', () => {
  // Two connections: two workers of a fleet sharing one run's index.
  const first = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const second = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  let conversations: Conversation[];

  beforeAll(async () => {
    conversations = (await loadSpcTestConversations()).filter(
      (conversation) => conversation.turns.length >= 10,
    );
  });

  afterAll(async () => {
    first.disconnect();
    second.disconnect();
    await deleteNamespace(NAMESPACE);
  });

  it('lets exactly one of two near copies raced by two workers through, every time', async () => {
    const rounds = 25;
    let bothPassed = 0;
    let nonePassed = 0;
    for (let round = 0; round < rounds; round++) {
      const runId = `race-${round}`;
      const workerA = createNearDuplicateExpert({ index: new RedisNearDuplicateIndex(first, PREFIX, runId) });
      const workerB = createNearDuplicateExpert({
        index: new RedisNearDuplicateIndex(second, PREFIX, runId),
      });
      const original = conversations[round]!;
      const [a, b] = await Promise.all([
        workerA.review({ ...original, id: `${runId}.a` }, {}),
        workerB.review(nearCopy(original, `${runId}.b`), {}),
      ]);
      if (a.passed && b.passed) bothPassed++;
      if (!a.passed && !b.passed) nonePassed++;
      const rejected = a.passed ? b : a;
      expect(rejected.score).toBeGreaterThanOrEqual(0.8);
    }
    expect({ bothPassed, nonePassed }).toEqual({ bothPassed: 0, nonePassed: 0 });
  });

  it('finds every conversation of a shared bucket, agrees with the in-memory index, and forgets a released claim', async () => {
    const redisIndex = new RedisNearDuplicateIndex(first, PREFIX, 'buckets');
    const memoryIndex = new InMemoryNearDuplicateIndex();
    const original = conversations[40]!;
    // Two accepted conversations that share bands with the candidate: both must be met.
    const copies = [nearCopy(original, 'copy-1'), { ...original, id: 'copy-2' }];
    for (const copy of copies) {
      await redisIndex.add(copy.id, conversationSignature(copy));
      await memoryIndex.add(copy.id, conversationSignature(copy));
    }
    const candidate = conversationSignature(original);
    const fromRedis = await redisIndex.findSimilar(candidate);
    expect(fromRedis.map((match) => match.id).sort()).toEqual(['copy-1', 'copy-2']);
    expect(fromRedis).toEqual(await memoryIndex.findSimilar(candidate));

    const claim = await redisIndex.claim('candidate', candidate, 0.8);
    expect(claim).toEqual({ claimed: false, closest: { id: 'copy-2', similarity: 1 } });
    await redisIndex.remove('copy-2');
    await redisIndex.remove('copy-1');
    expect(await redisIndex.findSimilar(candidate)).toEqual([]);
    expect(await redisIndex.claim('candidate', candidate, 0.8)).toEqual({ claimed: true });
    // Claiming again under the same id (a retried job) meets only itself.
    expect(await redisIndex.claim('candidate', candidate, 0.8)).toEqual({ claimed: true });
  });

  it('keeps at most idsPerBucket ids per bucket, dropping the oldest', async () => {
    const index = new RedisNearDuplicateIndex(first, PREFIX, 'bounded', 32, 3);
    const original = conversations[50]!;
    for (let copy = 0; copy < 5; copy++) {
      await index.add(`copy-${copy}`, conversationSignature({ ...original, id: `copy-${copy}` }));
    }
    const found = await index.findSimilar(conversationSignature(original));
    expect(found.map((match) => match.id)).toEqual(['copy-2', 'copy-3', 'copy-4']);
  });
});
