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
 * Offline near-duplicate filter: rejects a candidate whose word shingles resemble an already
 * accepted conversation (MinHash + LSH). Score: the highest similarity found, 0 when none.
 * The panel's `accept()` adds accepted conversations to the index.
 */
export function createNearDuplicateExpert(options: NearDuplicateExpertOptions = {}): DirectFilterExpert {
  const { index = new InMemoryNearDuplicateIndex(), threshold = 0.8, minHash = {} } = options;
  return {
    type: 'direct',
    name: 'near-duplicate',
    kind: 'filter',
    offline: true,
    async review(conversation): Promise<ExpertVerdict> {
      const matches = await index.findSimilar(conversationSignature(conversation, minHash));
      const closest = matches.find((match) => match.id !== conversation.id);
      const similarity = closest?.similarity ?? 0;
      const passed = similarity < threshold;
      return {
        expert: 'near-duplicate',
        kind: 'filter',
        passed,
        score: similarity,
        rationale: closest
          ? `closest accepted conversation ${closest.id} at similarity ${similarity.toFixed(3)} (${passed ? '<' : '≥'} ${threshold})`
          : 'no similar accepted conversation',
      };
    },
    async accept(conversation): Promise<void> {
      await index.add(conversation.id, conversationSignature(conversation, minHash));
    },
  };
}
