import { describe, expect, it } from 'vitest';
import { summarizeScores } from './score-summary';

describe('summarizeScores', () => {
  it('gives min, interpolated quartiles, mean and max', () => {
    expect(summarizeScores([4, 1, 3, 2, 5])).toEqual({
      count: 5,
      min: 1,
      q1: 2,
      median: 3,
      q3: 4,
      mean: 3,
      max: 5,
    });
    expect(summarizeScores([1, 2, 3, 4])).toMatchObject({ q1: 1.75, median: 2.5, q3: 3.25 });
  });

  it('skips non-finite values and is null for nothing', () => {
    expect(summarizeScores([Number.NaN, 2])).toMatchObject({ count: 1, min: 2, max: 2 });
    expect(summarizeScores([])).toBeNull();
  });
});
