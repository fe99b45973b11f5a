import { describe, expect, it } from 'vitest';
import { contentWords, OfflineEmbeddingModel } from './offline-embedding-model';
import { cosineSimilarity, sparseCosine, toSparseVector } from './sparse-vector';

describe('OfflineEmbeddingModel', () => {
  const texts = [
    'I have two dogs.',
    'I have a dog named Max.',
    'I work as a nurse.',
    'My favorite color is blue.',
  ];

  it('returns deterministic unit vectors of the configured dimension, for no tokens', async () => {
    const model = new OfflineEmbeddingModel({ dimension: 256 });
    const first = await model.embed(texts);
    const second = await new OfflineEmbeddingModel({ dimension: 256 }).embed(texts);
    expect(second.embeddings).toEqual(first.embeddings);
    expect(first.usage).toEqual({ inputTokens: 0, outputTokens: 0 });
    for (const vector of first.embeddings) {
      expect(vector).toHaveLength(256);
      expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
    }
    expect(model.modelId).toBe('hashed-ngrams-256');
  });

  it('puts texts on the same topic closer than texts on different topics', async () => {
    const model = new OfflineEmbeddingModel({ idfDocuments: texts });
    const [dogs, dog, nurse, color] = (await model.embed(texts)).embeddings as number[][];
    const same = cosineSimilarity(dogs as number[], dog as number[]);
    expect(same).toBeGreaterThan(0.2);
    expect(same).toBeGreaterThan(cosineSimilarity(dogs as number[], nurse as number[]) + 0.2);
    expect(same).toBeGreaterThan(cosineSimilarity(dog as number[], color as number[]) + 0.2);
  });

  it('gives the same similarities in sparse form', async () => {
    const model = new OfflineEmbeddingModel({ idfDocuments: texts });
    const dense = (await model.embed(texts)).embeddings;
    const sparse = texts.map((text) => model.embedSparse(text));
    expect(sparseCosine(sparse[0]!, sparse[1]!)).toBeCloseTo(cosineSimilarity(dense[0]!, dense[1]!), 5);
    expect(sparseCosine(toSparseVector(dense[2]!), sparse[2]!)).toBeCloseTo(1, 5);
  });

  it('embeds text without content words as the zero vector', async () => {
    const [vector] = (await new OfflineEmbeddingModel({ dimension: 64 }).embed(['I am the one.'])).embeddings;
    expect(vector!.every((value) => value === 0)).toBe(true);
    expect(contentWords("I don't have any dogs")).toEqual(['dog']);
  });

  it('rejects a dimension too small to hash into', () => {
    expect(() => new OfflineEmbeddingModel({ dimension: 4 })).toThrow(/dimension/);
  });
});
