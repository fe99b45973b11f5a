import { describe, expect, it } from 'vitest';
import { assignSplits, type SplitPair } from './profile-splits';

const FRACTIONS = { train: 0.8, valid: 0.1, test: 0.1 };

/** `count` pairs, each of two profiles of its own. */
function separatePairs(count: number): SplitPair[] {
  return Array.from({ length: count }, (_, index) => ({
    id: `pair-${index}`,
    user1: `p${index}a`,
    user2: `p${index}b`,
    planned: 1,
  }));
}

function profilesBySplit(
  pairs: readonly SplitPair[],
  splits: Map<string, string | null>,
): Map<string, Set<string>> {
  const seen = new Map<string, Set<string>>();
  for (const pair of pairs) {
    const split = splits.get(pair.id);
    if (!split) continue;
    for (const profile of [pair.user1, pair.user2]) {
      const set = seen.get(profile) ?? new Set<string>();
      set.add(split);
      seen.set(profile, set);
    }
  }
  return seen;
}

describe('assignSplits', () => {
  it('meets the fractions with separate pairs, and loses nothing', () => {
    const pairs = separatePairs(200);
    const { stats } = assignSplits(pairs, FRACTIONS);
    expect(stats.planned).toEqual({ train: 160, validation: 20, test: 20, excluded: 0 });
    expect(stats.excludedPairs).toBe(0);
    expect(stats.carved).toEqual([]);
  });

  it('keeps linked profiles together: no profile in two splits', () => {
    // Chains of three pairs sharing profiles: a-b, b-c, c-d.
    const pairs: SplitPair[] = [];
    for (let chain = 0; chain < 60; chain++)
      for (let link = 0; link < 3; link++)
        pairs.push({
          id: `c${chain}-${link}`,
          user1: `c${chain}p${link}`,
          user2: `c${chain}p${link + 1}`,
          planned: 1,
        });
    const { pairs: splits, stats } = assignSplits(pairs, FRACTIONS);
    for (const [profile, set] of profilesBySplit(pairs, splits)) expect(set.size, profile).toBe(1);
    expect(stats.excludedPairs).toBe(0);
    expect(stats.planned.validation).toBeGreaterThanOrEqual(15);
    expect(stats.planned.test).toBeGreaterThanOrEqual(15);
  });

  it('carves held-out splits out of one large group, excluding only the cut pairs, deterministically', () => {
    // One ring of 300 profiles: a single group no split can take whole.
    const pairs: SplitPair[] = Array.from({ length: 300 }, (_, index) => ({
      id: `ring-${index}`,
      user1: `r${index}`,
      user2: `r${(index + 1) % 300}`,
      planned: 1,
    }));
    const first = assignSplits(pairs, FRACTIONS);
    expect(first.stats.groups).toBe(1);
    expect(first.stats.carved).toEqual(['validation', 'test']);
    expect(first.stats.planned.validation).toBeGreaterThanOrEqual(30);
    expect(first.stats.planned.test).toBeGreaterThanOrEqual(30);
    // A ring cut into three arcs loses few pairs at the cuts.
    expect(first.stats.excludedPairs).toBeGreaterThan(0);
    expect(first.stats.excludedPairs).toBeLessThanOrEqual(6);
    for (const [profile, set] of profilesBySplit(pairs, first.pairs)) expect(set.size, profile).toBe(1);
    expect(assignSplits([...pairs].reverse(), FRACTIONS).pairs).toEqual(first.pairs);
  });

  it('ignores pairs the plan never uses and weighs pairs by planned conversations', () => {
    const pairs = separatePairs(10).map((pair, index) => ({ ...pair, planned: index < 5 ? 2 : 0 }));
    const { pairs: splits, stats } = assignSplits(pairs, FRACTIONS);
    expect(splits.size).toBe(5);
    expect(stats.planned.train + stats.planned.validation + stats.planned.test).toBe(10);
  });
});
