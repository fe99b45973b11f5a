import type { ExpertVerdict } from '@parley/core';
import type { DirectFilterExpert } from './expert';
import { InMemoryNearDuplicateIndex } from './in-memory-near-duplicate-index';
import { conversationSignature, type MinHashOptions } from './minhash';
import type { NearDuplicateIndex } from './near-duplicate-index';

export interface NearDuplicateExpertOptions {
  /** Where accepted conversations' signatures live. @defaultValue a new InMemoryNearDuplicateIndex */
  index?: NearDuplicateIndex;
  /** Estimated Jaccard similarity at or above which a candidate is a near-duplicate. @defaultValue 0.8 */
  threshold?: number;
  /** Signature settings; every process sharing an index must use the same. @defaultValue DEFAULT_MINHASH_OPTIONS */
  minHash?: MinHashOptions;
}

/**
 * Offline near-duplicate filter: rejects a candidate whose word shingles resemble a conversation
 * already accepted or claimed (MinHash + LSH). Checking and recording are one atomic `claim`, so
 * of two near copies reviewed at once by two workers only one passes; the panel `release`s a
 * claimed candidate that a later filter or the vote rejects, and `accept`s the winner. A
 * rejection scores the similarity of what it duplicates; a pass carries no score.
 */
export function createNearDuplicateExpert(options: NearDuplicateExpertOptions = {}): DirectFilterExpert {
  const { index = new InMemoryNearDuplicateIndex(), threshold = 0.8, minHash = {} } = options;
  return {
    type: 'direct',
    name: 'near-duplicate',
    kind: 'filter',
    offline: true,
    async review(conversation): Promise<ExpertVerdict> {
      const claim = await index.claim(
        conversation.id,
        conversationSignature(conversation, minHash),
        threshold,
      );
      const closest = claim.closest;
      const passed = claim.claimed;
      // A pass says only that: which sibling or concurrent pair had claimed what by then depends
      // on the order workers finish, and a verdict that changed with it would make two runs of
      // the same job write different release lines. A rejection names what it duplicates.
      if (passed || !closest) {
        return {
          expert: 'near-duplicate',
          kind: 'filter',
          passed,
          rationale: `no accepted or claimed conversation at similarity ≥ ${threshold}`,
        };
      }
      return {
        expert: 'near-duplicate',
        kind: 'filter',
        passed,
        score: closest.similarity,
        rationale: `closest accepted or claimed conversation ${closest.id} at similarity ${closest.similarity.toFixed(3)} (≥ ${threshold})`,
      };
    },
    async accept(conversation): Promise<void> {
      await index.add(conversation.id, conversationSignature(conversation, minHash));
    },
    async release(conversation): Promise<void> {
      await index.remove(conversation.id);
    },
  };
}
