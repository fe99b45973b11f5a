import { describe, expect, it } from 'vitest';
import { rocAuc } from './roc-auc';

describe('rocAuc', () => {
  it('is 1 for perfect separation, 0 for reversed, 0.5 when everything ties', () => {
    expect(rocAuc([3, 4, 5], [0, 1, 2])).toBe(1);
    expect(rocAuc([0, 1], [2, 3])).toBe(0);
    expect(rocAuc([1, 1], [1, 1, 1])).toBe(0.5);
  });

  it('equals the pairwise definition, ties counting half', () => {
    const positives = [0.9, 0.4, 0.4, 0.7, 0.1];
    const negatives = [0.4, 0.2, 0.8, 0.05];
    let favourable = 0;
    for (const p of positives) for (const n of negatives) favourable += p > n ? 1 : p === n ? 0.5 : 0;
    expect(rocAuc(positives, negatives)).toBeCloseTo(favourable / (positives.length * negatives.length), 12);
  });

  it('is NaN without one of the groups', () => {
    expect(rocAuc([], [1])).toBeNaN();
  });
});
