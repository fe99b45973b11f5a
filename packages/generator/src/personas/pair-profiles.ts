import { randomFor } from '@parley/core';

/** Options of {@link pairProfiles}. */
export interface PairingOptions {
  /** Pair two profiles when more than this many attribute pairs share a cluster. */
  similarityThreshold: number;
  /** Pairs a profile takes part in at most. */
  maxPairsPerProfile: number;
  /** Stop after this many pairs. @defaultValue unlimited */
  maxPairs?: number;
}

/** Two profiles (by index) paired, with their similarity. */
export interface ProfileMatch {
  first: number;
  second: number;
  similarity: number;
}

/**
 * Stage 3 similarity: the number of attribute pairs (a from the first profile, b from the
 * second) whose attributes fall in the same cluster, given each profile as its attributes'
 * cluster labels.
 */
export function profileSimilarity(first: readonly number[], second: readonly number[]): number {
  let similarity = 0;
  for (const a of first) for (const b of second) if (a === b) similarity++;
  return similarity;
}

/**
 * Stage 3: pairs profiles whose similarity exceeds the threshold, each profile in at most
 * `maxPairsPerProfile` pairs. Profiles are visited in a seeded random order; each takes its
 * most similar partners first (ties by the same order). Deterministic under the seed.
 */
export function pairProfiles(
  profileClusters: readonly (readonly number[])[],
  options: PairingOptions,
  randomSeed: number,
): ProfileMatch[] {
  const count = profileClusters.length;
  const order = randomFor(randomSeed, 'pairing').shuffle(Array.from({ length: count }, (_, index) => index));
  const rank = new Int32Array(count);
  order.forEach((profile, position) => {
    rank[profile] = position;
  });
  // Cluster → (profile, how many of its attributes are in that cluster).
  const postings = new Map<number, Array<[number, number]>>();
  const clusterCounts = profileClusters.map((clusters) => {
    const counts = new Map<number, number>();
    for (const cluster of clusters) counts.set(cluster, (counts.get(cluster) ?? 0) + 1);
    return counts;
  });
  clusterCounts.forEach((counts, profile) => {
    for (const [cluster, times] of counts) {
      const list = postings.get(cluster) ?? [];
      if (list.length === 0) postings.set(cluster, list);
      list.push([profile, times]);
    }
  });

  const uses = new Int32Array(count);
  const paired = new Set<string>();
  const matches: ProfileMatch[] = [];
  const maxPairs = options.maxPairs ?? Number.POSITIVE_INFINITY;
  for (const profile of order) {
    if (matches.length >= maxPairs) break;
    if ((uses[profile] as number) >= options.maxPairsPerProfile) continue;
    const similarity = new Map<number, number>();
    for (const [cluster, times] of clusterCounts[profile] as Map<number, number>) {
      for (const [other, otherTimes] of postings.get(cluster) ?? []) {
        if (other !== profile) similarity.set(other, (similarity.get(other) ?? 0) + times * otherTimes);
      }
    }
    const candidates = [...similarity]
      .filter(
        ([other, value]) =>
          value > options.similarityThreshold &&
          (uses[other] as number) < options.maxPairsPerProfile &&
          !paired.has(profile < other ? `${profile},${other}` : `${other},${profile}`),
      )
      .sort((a, b) => b[1] - a[1] || (rank[a[0]] as number) - (rank[b[0]] as number));
    for (const [other, value] of candidates) {
      if ((uses[profile] as number) >= options.maxPairsPerProfile || matches.length >= maxPairs) break;
      if ((uses[other] as number) >= options.maxPairsPerProfile) continue;
      matches.push({ first: profile, second: other, similarity: value });
      paired.add(profile < other ? `${profile},${other}` : `${other},${profile}`);
      uses[profile] = (uses[profile] as number) + 1;
      uses[other] = (uses[other] as number) + 1;
    }
  }
  return matches;
}
