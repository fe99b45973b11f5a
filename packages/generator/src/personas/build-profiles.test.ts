import { InputError } from '@parley/core';
import { describe, expect, it } from 'vitest';
import { buildProfiles, type ConsistencyOracle, pairKey } from './build-profiles';
import { HeuristicConsistencyOracle } from './heuristic-consistency-oracle';

// 40 attributes; 2k and 2k+1 are near-duplicates; a pair contradicts when its sum is a multiple of 7.
const COUNT = 40;
const similarity = (a: number, b: number) => (Math.floor(a / 2) === Math.floor(b / 2) ? 0.95 : 0.1);
const contradicts = (a: number, b: number) => (a + b) % 7 === 0;

const immediateOracle = (): ConsistencyOracle => ({
  lookup: contradicts,
  resolve: async () => {},
});

/** Knows nothing until asked, like the LLM check: verdicts arrive in batches per round. */
class DeferredOracle implements ConsistencyOracle {
  readonly batches: Array<{ round: number; pairs: number }> = [];
  private readonly known = new Map<string, boolean>();
  lookup(a: number, b: number) {
    return this.known.get(pairKey(a, b));
  }
  async resolve(pairs: ReadonlyArray<readonly [number, number]>, round: number) {
    this.batches.push({ round, pairs: pairs.length });
    for (const [a, b] of pairs) this.known.set(pairKey(a, b), contradicts(a, b));
  }
}

function expectValidProfiles(profiles: number[][], size: number) {
  const sets = new Set<string>();
  for (const profile of profiles) {
    expect(profile).toHaveLength(size);
    expect(new Set(profile).size).toBe(size);
    for (let i = 0; i < profile.length; i++) {
      for (let j = i + 1; j < profile.length; j++) {
        expect(similarity(profile[i]!, profile[j]!)).toBeLessThanOrEqual(0.9);
        expect(contradicts(profile[i]!, profile[j]!)).toBe(false);
      }
    }
    sets.add([...profile].sort((a, b) => a - b).join(','));
  }
  expect(sets.size).toBe(profiles.length);
}

const options = { size: 4, count: 25, redundancyThreshold: 0.9 };

describe('buildProfiles', () => {
  it('builds distinct profiles with no redundant and no contradicting pair', async () => {
    const { profiles, stats } = await buildProfiles({
      attributeCount: COUNT,
      similarity,
      oracle: immediateOracle(),
      options,
      randomSeed: 11,
    });
    expect(profiles).toHaveLength(25);
    expectValidProfiles(profiles, 4);
    expect(stats.built).toBe(25);
    expect(stats.redundant).toBeGreaterThan(0);
    expect(stats.inconsistent).toBeGreaterThan(0);
    expect(stats.rounds).toBe(1);
  });

  it('is deterministic under the seed', async () => {
    const run = (randomSeed: number) =>
      buildProfiles({ attributeCount: COUNT, similarity, oracle: immediateOracle(), options, randomSeed });
    expect((await run(11)).profiles).toEqual((await run(11)).profiles);
    expect((await run(12)).profiles).not.toEqual((await run(11)).profiles);
  });

  it('checks unknown pairs in batches and repairs drafts, with the same guarantees', async () => {
    const oracle = new DeferredOracle();
    const { profiles, stats } = await buildProfiles({
      attributeCount: COUNT,
      similarity,
      oracle,
      options,
      randomSeed: 5,
    });
    expect(profiles).toHaveLength(25);
    expectValidProfiles(profiles, 4);
    expect(oracle.batches.length).toBeGreaterThan(1);
    expect(oracle.batches.map((batch) => batch.round)).toEqual(oracle.batches.map((_, index) => index));
    expect(stats.inconsistent).toBeGreaterThan(0);
  });

  it('gives up drafts that cannot be completed, and refuses a pool smaller than a profile', async () => {
    const everythingContradicts: ConsistencyOracle = { lookup: () => true, resolve: async () => {} };
    const { profiles, stats } = await buildProfiles({
      attributeCount: 10,
      similarity: () => 0,
      oracle: everythingContradicts,
      options: { size: 2, count: 3, redundancyThreshold: 0.9, maxDrawsPerAttribute: 5 },
      randomSeed: 1,
    });
    expect(profiles).toEqual([]);
    expect(stats.abandoned).toBe(9);
    expect(stats.drafts).toBe(9);
    await expect(
      buildProfiles({ attributeCount: 3, similarity, oracle: immediateOracle(), options, randomSeed: 1 }),
    ).rejects.toBeInstanceOf(InputError);
  });

  it('never puts contradicting attributes together with the offline heuristic', async () => {
    const texts = [
      'I have a dog named Max.',
      'I do not have any pets.',
      'I am married.',
      'I am single.',
      'I love pizza.',
      'I hate pizza.',
      'I am 25 years old.',
      'I am 60.',
    ];
    const oracle = new HeuristicConsistencyOracle(texts);
    const { profiles } = await buildProfiles({
      attributeCount: texts.length,
      similarity: () => 0,
      oracle,
      options: { size: 4, count: 10, redundancyThreshold: 0.9 },
      randomSeed: 3,
    });
    // A valid profile takes one attribute of each contradicting pair (2⁴ = 16 exist).
    expect(profiles).toHaveLength(10);
    for (const profile of profiles) {
      const chosen = new Set(profile.map((index) => Math.floor(index / 2)));
      expect(chosen.size).toBe(4);
    }
    expect(oracle.contradictionsByRule).toMatchObject({ negation: 2, 'marital-status': 1, age: 1 });
  });
});
