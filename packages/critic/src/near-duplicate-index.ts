import type { MinHashSignature } from './minhash';

/** An accepted conversation that resembles the one being checked. */
export interface NearDuplicateMatch {
  id: string;
  /** Estimated Jaccard similarity of the two conversations' word shingles, in [0, 1]. */
  similarity: number;
}

/**
 * Where the signatures of accepted conversations live. The in-memory index serves one
 * process; a shared one (Redis) serves a fleet of workers. Kept small and async on purpose.
 */
export interface NearDuplicateIndex {
  /** Accepted conversations that share an LSH band with `signature`, most similar first. */
  findSimilar(signature: MinHashSignature): Promise<NearDuplicateMatch[]>;
  /** Records an accepted conversation; adding the same id again replaces its signature. */
  add(id: string, signature: MinHashSignature): Promise<void>;
}
