import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Conversation } from '@parley/core';
import { SeededRandom } from '@parley/core';
import { readSeed } from '@parley/dataset';
import { beforeAll, describe, expect, it } from 'vitest';
import { clusterAgglomerative, clusterCentroids } from './agglomerative-clustering';
import { comparisonKey } from './comparison-key';
import { OfflineEmbeddingModel } from './offline-embedding-model';
import { collectSeedAttributes } from './seed-attributes';
import { type SparseVector, sparseCosine, toSparseVector } from './sparse-vector';

/** The textbook O(n³) loop: merge the pair with the highest average similarity while it exceeds the threshold. */
function naiveAverageLinkage(vectors: SparseVector[], threshold: number): number[][] {
  let clusters = vectors.map((_, index) => [index]);
  const average = (a: number[], b: number[]) => {
    let sum = 0;
    for (const x of a) for (const y of b) sum += sparseCosine(vectors[x]!, vectors[y]!);
    return sum / (a.length * b.length);
  };
  for (;;) {
    let best = Number.NEGATIVE_INFINITY;
    let pair: [number, number] = [-1, -1];
    for (let i = 0; i < clusters.length; i++) {
      for (let j = i + 1; j < clusters.length; j++) {
        const value = average(clusters[i]!, clusters[j]!);
        if (value > best) {
          best = value;
          pair = [i, j];
        }
      }
    }
    if (pair[0] < 0 || best <= threshold) break;
    const merged = [...clusters[pair[0]]!, ...clusters[pair[1]]!].sort((a, b) => a - b);
    clusters = clusters.filter((_, index) => index !== pair[0] && index !== pair[1]);
    clusters.push(merged);
  }
  return clusters.sort((a, b) => a[0]! - b[0]!);
}

function randomVectors(count: number, dimension: number, seed: number): SparseVector[] {
  const random = new SeededRandom(seed);
  return Array.from({ length: count }, () =>
    toSparseVector(Array.from({ length: dimension }, () => (random.next() < 0.3 ? random.next() : 0))),
  );
}

describe('clusterAgglomerative', () => {
  it('finds three obvious groups of attributes', () => {
    const texts = [
      'I have a dog named Max.',
      'I work as a nurse at the hospital.',
      'My favorite color is blue.',
      'I have two dogs and a puppy.',
      'I am a nurse in a hospital.',
      'My favorite color is green.',
      'My dog is a golden retriever.',
      'I have worked as a nurse for years.',
      'Blue is my favorite color.',
    ];
    const model = new OfflineEmbeddingModel({ idfDocuments: texts });
    const result = clusterAgglomerative(
      texts.map((text) => model.embedSparse(text)),
      { threshold: 0.15 },
    );
    expect(result.clusters).toEqual([
      [0, 3, 6],
      [1, 4, 7],
      [2, 5, 8],
    ]);
    expect([...result.labels]).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2]);
  });

  it('merges nothing above similarity 1 and everything below the lowest similarity', () => {
    const vectors = randomVectors(12, 8, 2);
    expect(clusterAgglomerative(vectors, { threshold: 1 }).clusters).toHaveLength(12);
    expect(clusterAgglomerative(vectors, { threshold: -1 }).clusters).toEqual([
      Array.from({ length: 12 }, (_, i) => i),
    ]);
  });

  it('agrees with the naive greedy algorithm on random data', () => {
    for (const seed of [1, 2, 3]) {
      const vectors = randomVectors(40, 12, seed);
      for (const threshold of [0.2, 0.4, 0.6, 0.8]) {
        expect(clusterAgglomerative(vectors, { threshold }).clusters).toEqual(
          naiveAverageLinkage(vectors, threshold),
        );
      }
    }
  });

  it('handles empty and single inputs, and refuses inputs above maxItems', () => {
    expect(clusterAgglomerative([], { threshold: 0.5 }).clusters).toEqual([]);
    expect(clusterAgglomerative(randomVectors(1, 4, 1), { threshold: 0.5 }).clusters).toEqual([[0]]);
    expect(() => clusterAgglomerative(randomVectors(5, 4, 1), { threshold: 0.5, maxItems: 4 })).toThrow(
      /maxItems/,
    );
  });
});

describe('clusterCentroids', () => {
  it('returns the unit mean of each cluster', () => {
    const vectors = [toSparseVector([1, 0, 0]), toSparseVector([0, 1, 0]), toSparseVector([0, 0, 1])];
    const [first, second] = clusterCentroids(vectors, [[0, 1], [2]]);
    expect([...first!.indices]).toEqual([0, 1]);
    expect(first!.values[0]).toBeCloseTo(Math.SQRT1_2, 6);
    expect([...second!.indices]).toEqual([2]);
  });
});

describe('clusterAgglomerative on the Synthetic-Persona-Chat test split', () => {
  const file =
    process.env.PARLEY_SPC_TEST_CSV ??
    path.resolve(
      path.dirname(fileURLToPath(import.meta.url)),
      '../../../../../shared/data/Synthetic-Persona-Chat_test.csv',
    );

  let conversations: Conversation[];
  beforeAll(async () => {
    const { records } = await readSeed(file).collect();
    conversations = records.map((record) => record.conversation);
  });

  /** Average cosine between two clusters of unit vectors = (Σa · Σb) / (|A| |B|). */
  function maxAverageSimilarityBetweenClusters(vectors: SparseVector[], clusters: number[][]): number {
    const dimension = Math.max(...vectors.map((vector) => (vector.indices.at(-1) ?? 0) + 1));
    const sums = clusters.map((members) => {
      const sum = new Float64Array(dimension);
      for (const member of members) {
        const vector = vectors[member]!;
        for (let k = 0; k < vector.indices.length; k++) sum[vector.indices[k]!]! += vector.values[k]!;
      }
      return sum;
    });
    let worst = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < clusters.length; i++) {
      for (let j = i + 1; j < clusters.length; j++) {
        let dot = 0;
        const a = sums[i]!;
        const b = sums[j]!;
        for (let d = 0; d < dimension; d++) dot += a[d]! * b[d]!;
        worst = Math.max(worst, dot / (clusters[i]!.length * clusters[j]!.length));
      }
    }
    return worst;
  }

  it('stops where no two clusters of the distinct persona sentences average above the threshold', async () => {
    const texts = collectSeedAttributes(conversations);
    expect(texts.length).toBeGreaterThan(450);
    const model = new OfflineEmbeddingModel({ idfDocuments: texts });
    const vectors = texts.map((text) => model.embedSparse(text));
    const { clusters, labels } = clusterAgglomerative(vectors, { threshold: 0.3 });
    expect(clusters.flat().sort((a, b) => a - b)).toEqual(texts.map((_, index) => index));
    expect(clusters.length).toBeGreaterThan(100);
    expect(clusters.length).toBeLessThan(texts.length);
    clusters.forEach((members, label) => {
      for (const member of members) expect(labels[member]).toBe(label);
    });
    expect(maxAverageSimilarityBetweenClusters(vectors, clusters)).toBeLessThanOrEqual(0.3 + 1e-5);
  });

  it('clusters 5,000 distinct utterances in O(n²) with the same guarantee', async () => {
    const seen = new Set<string>();
    const texts: string[] = [];
    for (const conversation of conversations) {
      for (const turn of conversation.turns) {
        const key = comparisonKey(turn.text);
        if (key.length < 5 || seen.has(key) || texts.length >= 5000) continue;
        seen.add(key);
        texts.push(turn.text);
      }
    }
    expect(texts).toHaveLength(5000);
    const model = new OfflineEmbeddingModel({ idfDocuments: texts });
    const vectors = texts.map((text) => model.embedSparse(text));
    const started = performance.now();
    const { clusters } = clusterAgglomerative(vectors, { threshold: 0.3 });
    const elapsed = performance.now() - started;
    console.info(
      `clustered ${texts.length} utterances into ${clusters.length} clusters in ${Math.round(elapsed)} ms`,
    );
    expect(maxAverageSimilarityBetweenClusters(vectors, clusters)).toBeLessThanOrEqual(0.3 + 1e-5);
  });
});
