import { describe, expect, it } from 'vitest';
import { distinctN } from './distinct-n';

describe('distinctN', () => {
  it('is 1 when nothing repeats', () => {
    expect(distinctN(['a', 'b', 'c', 'd'], 1)).toBe(1);
    expect(distinctN(['a', 'b', 'c', 'd'], 2)).toBe(1);
  });

  it('counts unique n-grams over all n-grams', () => {
    // bigrams: ab ba ab ba ab → 2 unique of 5
    expect(distinctN(['a', 'b', 'a', 'b', 'a', 'b'], 2)).toBeCloseTo(2 / 5);
    // unigrams: a b a b a b → 2 unique of 6
    expect(distinctN(['a', 'b', 'a', 'b', 'a', 'b'], 1)).toBeCloseTo(2 / 6);
  });

  it('is 1 for a sequence shorter than n and rejects a bad n', () => {
    expect(distinctN(['a'], 2)).toBe(1);
    expect(() => distinctN(['a'], 0)).toThrow(RangeError);
  });
});
