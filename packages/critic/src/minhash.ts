import type { Conversation } from '@parley/core';
import { hashString } from '@parley/core';
import { wordTokens } from './text-tokens';

/** A MinHash signature: one 32-bit minimum per hash function; empty for a text without words. */
export type MinHashSignature = number[];

export interface MinHashOptions {
  /** Hash functions (signature length). @defaultValue 128 */
  numHashes?: number;
  /** Words per shingle. @defaultValue 3 */
  shingleSize?: number;
  /** Seed of the hash family; signatures compare only when made with the same seed. @defaultValue 1 */
  seed?: number;
}

export const DEFAULT_MINHASH_OPTIONS: Required<MinHashOptions> = { numHashes: 128, shingleSize: 3, seed: 1 };

/** Word shingles (n-grams of lower-cased words); a text shorter than `size` is one shingle. */
export function wordShingles(text: string, size = DEFAULT_MINHASH_OPTIONS.shingleSize): Set<string> {
  const tokens = wordTokens(text);
  if (tokens.length === 0) return new Set();
  if (tokens.length <= size) return new Set([tokens.join(' ')]);
  const shingles = new Set<string>();
  for (let start = 0; start + size <= tokens.length; start++) {
    shingles.add(tokens.slice(start, start + size).join(' '));
  }
  return shingles;
}

/** MinHash of a text's word shingles. */
export function minHashSignature(text: string, options: MinHashOptions = {}): MinHashSignature {
  const { numHashes, shingleSize, seed } = { ...DEFAULT_MINHASH_OPTIONS, ...options };
  const shingles = wordShingles(text, shingleSize);
  if (shingles.size === 0) return [];
  // Each hash function is a bijection of the shingle's base hash (xor a per-function constant,
  // then murmur3's finaliser), so every function orders the shingles differently.
  const salts = Array.from({ length: numHashes }, (_, index) =>
    mix32(Math.imul(index + 1, 0x9e3779b9) ^ seed),
  );
  const signature = new Array<number>(numHashes).fill(0xffffffff);
  for (const shingle of shingles) {
    const base = hashString(shingle);
    for (let index = 0; index < numHashes; index++) {
      const value = mix32(base ^ salts[index]!);
      if (value < signature[index]!) signature[index] = value;
    }
  }
  return signature;
}

/** The signature of a conversation's turns (speakers and personas left out). */
export function conversationSignature(
  conversation: Conversation,
  options: MinHashOptions = {},
): MinHashSignature {
  return minHashSignature(conversation.turns.map((turn) => turn.text).join('\n'), options);
}

/** Estimated Jaccard similarity of the two shingle sets: the share of equal minima. */
export function estimateJaccard(first: MinHashSignature, second: MinHashSignature): number {
  if (first.length === 0 || second.length === 0) return 0;
  if (first.length !== second.length) {
    throw new RangeError(
      `estimateJaccard: signatures of different lengths (${first.length}, ${second.length})`,
    );
  }
  let equal = 0;
  for (let index = 0; index < first.length; index++) if (first[index] === second[index]) equal++;
  return equal / first.length;
}

/**
 * LSH band keys: the signature cut into `bands` bands, each hashed to a key. Two signatures
 * sharing any key are candidates; with r rows per band, a pair of Jaccard s collides with
 * probability 1 − (1 − s^r)^bands (128 hashes in 32 bands: 0.5 → 87%, 0.8 → 100%).
 */
export function lshBandKeys(signature: MinHashSignature, bands: number): string[] {
  if (signature.length === 0) return [];
  if (!Number.isInteger(bands) || bands < 1 || signature.length % bands !== 0) {
    throw new RangeError(`lshBandKeys: ${bands} bands do not divide a signature of ${signature.length}`);
  }
  const rows = signature.length / bands;
  const keys: string[] = [];
  for (let band = 0; band < bands; band++) {
    const slice = signature.slice(band * rows, (band + 1) * rows);
    keys.push(`${band}:${hashString(slice.join(',')).toString(36)}`);
  }
  return keys;
}

function mix32(value: number): number {
  let hash = value >>> 0;
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}
