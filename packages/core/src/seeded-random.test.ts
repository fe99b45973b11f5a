import { describe, expect, it } from 'vitest';
import { deriveSeed, randomFor, runIndependentId, SeededRandom } from './seeded-random';

describe('SeededRandom', () => {
  it('repeats its stream for the same seed and differs for another', () => {
    const first = Array.from(
      { length: 5 },
      (
        (random) => () =>
          random.next()
      )(new SeededRandom(7)),
    );
    const again = Array.from(
      { length: 5 },
      (
        (random) => () =>
          random.next()
      )(new SeededRandom(7)),
    );
    const other = Array.from(
      { length: 5 },
      (
        (random) => () =>
          random.next()
      )(new SeededRandom(8)),
    );
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
    for (const value of first) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
    }
  });

  it('samples distinct items, from small and large pools', () => {
    const random = new SeededRandom(1);
    const pool = Array.from({ length: 100 }, (_, index) => index);
    for (const count of [3, 5, 40, 99, 100, 150]) {
      const sample = random.sample(pool, count);
      expect(sample).toHaveLength(Math.min(count, pool.length));
      expect(new Set(sample).size).toBe(sample.length);
    }
  });

  it('shuffles into a permutation without touching the input', () => {
    const items = ['a', 'b', 'c', 'd', 'e', 'f'];
    const shuffled = new SeededRandom(3).shuffle(items);
    expect([...shuffled].sort()).toEqual(items);
    expect(items).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });

  it('derives independent streams from labels', () => {
    expect(deriveSeed(1, 'profiles', 0)).toBe(deriveSeed(1, 'profiles', 0));
    expect(deriveSeed(1, 'profiles', 0)).not.toBe(deriveSeed(1, 'profiles', 1));
    expect(deriveSeed(1, 'profiles', 0)).not.toBe(deriveSeed(2, 'profiles', 0));
    expect(randomFor(5, 'x').next()).toBe(randomFor(5, 'x').next());
  });
});

describe('runIndependentId', () => {
  it('drops the run id of a generated conversation id and keeps any other id', () => {
    expect(runIndependentId('demo-20261204-101500-ab12.2.parley-seed-07.1')).toBe('2.parley-seed-07.1');
    expect(runIndependentId('demo-20261204-101501-cd34.2.parley-seed-07.1')).toBe('2.parley-seed-07.1');
    expect(runIndependentId('parley-seed-07')).toBe('parley-seed-07');
    expect(runIndependentId('spc.v1-3')).toBe('spc.v1-3');
  });
});
