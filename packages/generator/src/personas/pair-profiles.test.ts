import { SeededRandom } from '@parley/core';
import { describe, expect, it } from 'vitest';
import { pairProfiles, profileSimilarity } from './pair-profiles';

describe('profileSimilarity', () => {
  it('counts attribute pairs that share a cluster', () => {
    expect(profileSimilarity([1, 1, 2, 3], [1, 2, 2, 9])).toBe(4);
    expect(profileSimilarity([1, 2, 3], [4, 5, 6])).toBe(0);
    expect(profileSimilarity([7, 7], [7, 7, 7])).toBe(6);
  });
});

describe('pairProfiles', () => {
  it('pairs the profiles above the threshold', () => {
    const profiles = [
      [1, 2, 3, 4, 5], // A
      [1, 2, 3, 4, 9], // B: 4 with A
      [10, 11, 12, 13, 14], // C
      [10, 11, 12, 20, 21], // D: 3 with C
      [30, 31, 32, 33, 34], // E
      [30, 31, 40, 41, 42], // F: 2 with E, not above 2
    ];
    for (const seed of [1, 2, 3]) {
      const matches = pairProfiles(profiles, { similarityThreshold: 2, maxPairsPerProfile: 1 }, seed);
      const pairs = matches.map((match) => [match.first, match.second].sort().join('-')).sort();
      expect(pairs).toEqual(['0-1', '2-3']);
      expect(matches.find((match) => [match.first, match.second].includes(0))?.similarity).toBe(4);
    }
  });

  it('respects the threshold and the per-profile limit, deterministically', () => {
    const random = new SeededRandom(9);
    const profiles = Array.from({ length: 120 }, () => Array.from({ length: 5 }, () => random.below(12)));
    const options = { similarityThreshold: 2, maxPairsPerProfile: 3 };
    const matches = pairProfiles(profiles, options, 42);
    expect(matches.length).toBeGreaterThan(60);
    const uses = new Map<number, number>();
    const seen = new Set<string>();
    for (const match of matches) {
      expect(match.first).not.toBe(match.second);
      expect(match.similarity).toBe(profileSimilarity(profiles[match.first]!, profiles[match.second]!));
      expect(match.similarity).toBeGreaterThan(2);
      const key = [match.first, match.second].sort((a, b) => a - b).join('-');
      expect(seen.has(key)).toBe(false);
      seen.add(key);
      for (const profile of [match.first, match.second]) uses.set(profile, (uses.get(profile) ?? 0) + 1);
    }
    expect(Math.max(...uses.values())).toBeLessThanOrEqual(3);
    expect(pairProfiles(profiles, options, 42)).toEqual(matches);
    expect(pairProfiles(profiles, options, 43)).not.toEqual(matches);
    expect(pairProfiles(profiles, { ...options, maxPairs: 10 }, 42)).toHaveLength(10);
  });
});
