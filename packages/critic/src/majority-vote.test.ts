import { describe, expect, it } from 'vitest';
import { majorityVote } from './majority-vote';

describe('majorityVote', () => {
  it('picks the finalist most policies back', () => {
    const result = majorityVote({
      policies: ['depth', 'coherency', 'likeability'],
      points: { depth: [2, 0, 1], coherency: [0, 2, 1], likeability: [0, 1.5, 1.5] },
      judgeScores: [0.4, 0.6, 0.5],
      groundingScores: [0.3, 0.3, 0.3],
    });
    // likeability is tied at the top, so it abstains: depth → 0, coherency → 1.
    expect(result.policyWinners).toEqual({ depth: 0, coherency: 1, likeability: null });
    expect(result.votes).toEqual([1, 1, 0]);
    expect(result).toMatchObject({ winner: 1, decidedBy: 'judge score' });
  });

  it('breaks remaining ties by grounding, then by the lower index', () => {
    const base = { policies: ['depth' as const], points: { depth: [1, 1, 1] }, judgeScores: [0.5, 0.5, 0.5] };
    expect(majorityVote({ ...base, groundingScores: [0.1, 0.4, 0.2] })).toMatchObject({
      winner: 1,
      decidedBy: 'grounding',
    });
    expect(majorityVote({ ...base, groundingScores: [0.2, 0.2, 0.2] })).toMatchObject({
      winner: 0,
      decidedBy: 'index',
    });
  });

  it('ignores finalists without points for a policy', () => {
    const result = majorityVote({
      policies: ['depth'],
      points: { depth: [null, 0, null] },
      judgeScores: [0.5, 0.5, 0.5],
      groundingScores: [0, 0, 0],
    });
    expect(result).toMatchObject({ winner: 1, decidedBy: 'majority' });
  });
});
