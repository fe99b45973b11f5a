import { estimateJaccard, lshBandKeys, type MinHashSignature } from './minhash';
import type { NearDuplicateClaim, NearDuplicateIndex, NearDuplicateMatch } from './near-duplicate-index';

export interface InMemoryNearDuplicateIndexOptions {
  /** LSH bands; must divide the signature length. @defaultValue 32 */
  bands?: number;
}

/**
 * A NearDuplicateIndex in one process's memory: LSH buckets (every id of a bucket), then MinHash
 * similarity. A JavaScript process runs one step at a time, so `claim` is atomic by itself.
 */
export class InMemoryNearDuplicateIndex implements NearDuplicateIndex {
  private readonly bands: number;
  private readonly signatures = new Map<string, MinHashSignature>();
  private readonly buckets = new Map<string, Set<string>>();

  constructor(options: InMemoryNearDuplicateIndexOptions = {}) {
    this.bands = options.bands ?? 32;
  }

  get size(): number {
    return this.signatures.size;
  }

  async findSimilar(signature: MinHashSignature): Promise<NearDuplicateMatch[]> {
    return this.similar(signature);
  }

  async add(id: string, signature: MinHashSignature): Promise<void> {
    this.record(id, signature);
  }

  async claim(id: string, signature: MinHashSignature, threshold: number): Promise<NearDuplicateClaim> {
    // No await between the check and the record: nothing else runs in between.
    const closest = this.similar(signature).find((match) => match.id !== id);
    if (closest && closest.similarity >= threshold) return { claimed: false, closest };
    this.record(id, signature);
    return closest ? { claimed: true, closest } : { claimed: true };
  }

  async remove(id: string): Promise<void> {
    const previous = this.signatures.get(id);
    if (previous) for (const key of lshBandKeys(previous, this.bands)) this.buckets.get(key)?.delete(id);
    this.signatures.delete(id);
  }

  private similar(signature: MinHashSignature): NearDuplicateMatch[] {
    const candidates = new Set<string>();
    for (const key of lshBandKeys(signature, this.bands)) {
      for (const id of this.buckets.get(key) ?? []) candidates.add(id);
    }
    return [...candidates]
      .map((id) => ({ id, similarity: estimateJaccard(signature, this.signatures.get(id)!) }))
      .sort((a, b) => b.similarity - a.similarity || a.id.localeCompare(b.id));
  }

  private record(id: string, signature: MinHashSignature): void {
    // Validates the signature before anything changes.
    const keys = lshBandKeys(signature, this.bands);
    const previous = this.signatures.get(id);
    if (previous) for (const key of lshBandKeys(previous, this.bands)) this.buckets.get(key)?.delete(id);
    this.signatures.delete(id);
    if (keys.length === 0) return;
    this.signatures.set(id, signature);
    for (const key of keys) {
      let bucket = this.buckets.get(key);
      if (!bucket) {
        bucket = new Set();
        this.buckets.set(key, bucket);
      }
      bucket.add(id);
    }
  }
}
