import type { MinHashSignature } from './minhash';

/** An accepted conversation that resembles the one being checked. */
export interface NearDuplicateMatch {
  id: string;
  /** Estimated Jaccard similarity of the two conversations' word shingles, in [0, 1]. */
  similarity: number;
}

/** What `claim` found: the closest match at or above the threshold, or that the id was recorded. */
export type NearDuplicateClaim =
  | { claimed: true; closest?: NearDuplicateMatch }
  | { claimed: false; closest: NearDuplicateMatch };

/**
 * Where the signatures of accepted (and claimed, still in review) conversations live. The
 * in-memory index serves one process; a shared one (Redis) serves a fleet of workers. Kept
 * small and async on purpose.
 */
export interface NearDuplicateIndex {
  /** Conversations that share an LSH band with `signature`, most similar first. */
  findSimilar(signature: MinHashSignature): Promise<NearDuplicateMatch[]>;
  /** Records a conversation; adding the same id again replaces its signature. */
  add(id: string, signature: MinHashSignature): Promise<void>;
  /**
   * One atomic step: when no other recorded conversation reaches `threshold`, records `id` and
   * answers claimed; otherwise records nothing and answers the closest one. Two near copies
   * checked at the same moment by two workers cannot both be claimed. `closest` of a claim is
   * the most similar conversation below the threshold, when there is one.
   */
  claim(id: string, signature: MinHashSignature, threshold: number): Promise<NearDuplicateClaim>;
  /** Forgets a conversation (a claimed candidate that a later filter or the vote rejected). */
  remove(id: string): Promise<void>;
}
