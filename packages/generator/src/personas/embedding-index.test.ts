import { describe, expect, it } from 'vitest';
import { EmbeddingIndex } from './embedding-index';
import { cosineSimilarity, sparseCosine, toSparseVector } from './sparse-vector';

describe('EmbeddingIndex', () => {
  it('finds the nearest stored vector by cosine, growing as vectors arrive', () => {
    const index = new EmbeddingIndex([toSparseVector([1, 0, 0]), toSparseVector([0, 1, 1])]);
    expect(index.nearest(toSparseVector([0, 2, 1]))).toEqual({
      index: 1,
      similarity: expect.closeTo(0.9487, 4),
    });
    index.add(toSparseVector([0, 0, 0, 0, 0, 0, 0, 1]));
    expect(index.size).toBe(3);
    expect(index.nearest(toSparseVector([0, 0, 0, 0, 0, 0, 0, 5])).index).toBe(2);
    expect([...index.similarities(toSparseVector([1, 0, 0]))]).toEqual([1, 0, 0]);
    expect(index.similarity(0, 1)).toBe(0);
    expect(new EmbeddingIndex().nearest(toSparseVector([1]))).toEqual({
      index: -1,
      similarity: Number.NEGATIVE_INFINITY,
    });
  });

  it('agrees with the dense cosine', () => {
    const a = [0.5, 0, -1, 2, 0];
    const b = [1, 3, 0, 1, -1];
    expect(sparseCosine(toSparseVector(a), toSparseVector(b))).toBeCloseTo(cosineSimilarity(a, b), 6);
    expect(cosineSimilarity([0, 0], [1, 1])).toBe(0);
    expect(() => cosineSimilarity([1], [1, 2])).toThrow(RangeError);
  });
});
