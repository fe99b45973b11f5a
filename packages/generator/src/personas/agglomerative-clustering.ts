import { InputError } from '@parley/core';
import { dimensionOf, type SparseVector } from './sparse-vector';

/** Options of {@link clusterAgglomerative}. */
export interface ClusteringOptions {
  /** Two clusters merge while their average pairwise cosine similarity exceeds this. */
  threshold: number;
  /**
   * Refuse inputs larger than this: the similarity matrix takes 2·n² bytes (20k items ≈ 800 MB).
   * @defaultValue 20000
   */
  maxItems?: number;
}

export interface ClusteringResult {
  /** Cluster index of every input vector. */
  labels: Int32Array;
  /** Members of every cluster, ascending; clusters ordered by their smallest member. */
  clusters: number[][];
}

/**
 * Agglomerative clustering with average linkage on cosine similarity (UPGMA), cut where the
 * next merge would join clusters whose average similarity is not above `threshold`.
 *
 * Nearest-neighbour chain over a condensed Float32 similarity matrix with Lance–Williams
 * updates: O(n²) time and n²/2 floats of memory, instead of the naive O(n³). Average linkage is
 * reducible, so the chain finds the same merges as the greedy "merge the closest pair" loop.
 * Ties go to the lowest index, so the result is deterministic.
 */
export function clusterAgglomerative(
  vectors: readonly SparseVector[],
  options: ClusteringOptions,
): ClusteringResult {
  const count = vectors.length;
  const maxItems = options.maxItems ?? 20_000;
  if (count > maxItems) {
    throw new InputError(
      'clusterAgglomerative',
      `${count} items exceed maxItems ${maxItems} (the similarity matrix needs ${Math.round((2 * count * count) / 1e6)} MB); cluster a sample`,
    );
  }
  const similarity = condensedSimilarities(vectors);
  // Row i of the condensed matrix (pairs i < j) starts at rowStart[i] + j.
  const rowStart = new Float64Array(count);
  for (let row = 0; row < count; row++) rowStart[row] = (row * (2 * count - row - 1)) / 2 - row - 1;
  const at = (first: number, second: number): number =>
    first < second ? (rowStart[first] as number) + second : (rowStart[second] as number) + first;

  const active = new Uint8Array(count).fill(1);
  const size = new Int32Array(count).fill(1);
  // Union-find pointer: a merged-away cluster points at the one that absorbed it.
  const owner = new Int32Array(count);
  for (let index = 0; index < count; index++) owner[index] = index;
  let activeCount = count;
  let firstActive = 0;
  const chain = new Int32Array(count);
  let chainLength = 0;

  while (activeCount > 0) {
    if (chainLength === 0) {
      while (active[firstActive] === 0) firstActive++;
      chain[chainLength++] = firstActive;
    }
    const current = chain[chainLength - 1] as number;
    // Start from the previous chain element and replace it only on a strictly better match:
    // this tie rule is what guarantees the chain ends in a reciprocal pair.
    let nearest = -1;
    let best = Number.NEGATIVE_INFINITY;
    if (chainLength >= 2) {
      nearest = chain[chainLength - 2] as number;
      best = similarity[at(current, nearest)] as number;
    }
    for (let other = 0; other < current; other++) {
      if (active[other] === 0) continue;
      const value = similarity[(rowStart[other] as number) + current] as number;
      if (value > best) {
        best = value;
        nearest = other;
      }
    }
    const base = rowStart[current] as number;
    for (let other = current + 1; other < count; other++) {
      if (active[other] === 0) continue;
      const value = similarity[base + other] as number;
      if (value > best) {
        best = value;
        nearest = other;
      }
    }
    if (nearest === -1) {
      // The last active cluster: nothing left to merge with.
      active[current] = 0;
      activeCount--;
      chainLength = 0;
      continue;
    }
    if (chainLength >= 2 && nearest === chain[chainLength - 2]) {
      chainLength -= 2;
      if (best > options.threshold) {
        const kept = Math.min(current, nearest);
        const absorbed = Math.max(current, nearest);
        const keptSize = size[kept] as number;
        const absorbedSize = size[absorbed] as number;
        const total = keptSize + absorbedSize;
        // Lance–Williams for average linkage: the new row is the size-weighted mean of the two.
        for (let other = 0; other < count; other++) {
          if (active[other] === 0 || other === kept || other === absorbed) continue;
          const keptIndex = at(kept, other);
          similarity[keptIndex] =
            ((similarity[keptIndex] as number) * keptSize +
              (similarity[at(absorbed, other)] as number) * absorbedSize) /
            total;
        }
        active[absorbed] = 0;
        size[kept] = total;
        owner[absorbed] = kept;
        activeCount--;
      } else {
        // Reciprocal nearest neighbours below the threshold: neither has any neighbour above it,
        // and (reducibility) no later merge can create one, so both clusters are final.
        active[current] = 0;
        active[nearest] = 0;
        activeCount -= 2;
      }
    } else {
      chain[chainLength++] = nearest;
    }
  }
  return labelClusters(owner);
}

/**
 * Pairwise cosines (i < j) of unit vectors, row-major condensed, as 32-bit floats. Computed
 * through an inverted index (dimension → vectors that use it): row i accumulates only over the
 * later vectors sharing a dimension with it, which for hashed n-grams is a small fraction of
 * n × non-zeros; for dense vectors it degrades gracefully to a streaming multiply-add.
 */
function condensedSimilarities(vectors: readonly SparseVector[]): Float32Array {
  const count = vectors.length;
  const dimension = Math.max(1, dimensionOf(vectors));
  // Postings in CSR form, vector indices ascending within each dimension.
  const offsets = new Int32Array(dimension + 1);
  for (const vector of vectors) {
    for (let k = 0; k < vector.indices.length; k++) {
      const position = (vector.indices[k] as number) + 1;
      offsets[position] = (offsets[position] as number) + 1;
    }
  }
  for (let position = 0; position < dimension; position++) {
    offsets[position + 1] = (offsets[position + 1] as number) + (offsets[position] as number);
  }
  const postingVector = new Int32Array(offsets[dimension] as number);
  const postingValue = new Float32Array(offsets[dimension] as number);
  const fill = offsets.slice(0, dimension);
  for (let index = 0; index < count; index++) {
    const vector = vectors[index] as SparseVector;
    for (let k = 0; k < vector.indices.length; k++) {
      const position = vector.indices[k] as number;
      const slot = fill[position] as number;
      postingVector[slot] = index;
      postingValue[slot] = vector.values[k] as number;
      fill[position] = slot + 1;
    }
  }
  // cursor[d] skips the postings of vectors at or before the current row.
  const cursor = offsets.slice(0, dimension);
  const accumulator = new Float32Array(count);
  const similarity = new Float32Array((count * (count - 1)) / 2);
  let rowOffset = 0;
  for (let row = 0; row < count; row++) {
    const vector = vectors[row] as SparseVector;
    for (let k = 0; k < vector.indices.length; k++) {
      const position = vector.indices[k] as number;
      const value = vector.values[k] as number;
      let slot = cursor[position] as number;
      while (slot < (offsets[position + 1] as number) && (postingVector[slot] as number) <= row) slot++;
      cursor[position] = slot;
      const end = offsets[position + 1] as number;
      for (; slot < end; slot++) {
        const column = postingVector[slot] as number;
        accumulator[column] = (accumulator[column] as number) + value * (postingValue[slot] as number);
      }
    }
    similarity.set(accumulator.subarray(row + 1, count), rowOffset);
    accumulator.fill(0, row + 1, count);
    rowOffset += count - row - 1;
  }
  return similarity;
}

function labelClusters(owner: Int32Array): ClusteringResult {
  const root = (index: number): number => {
    let current = index;
    while (owner[current] !== current) current = owner[current] as number;
    return current;
  };
  const labels = new Int32Array(owner.length);
  const labelOfRoot = new Map<number, number>();
  const clusters: number[][] = [];
  for (let index = 0; index < owner.length; index++) {
    const top = root(index);
    let label = labelOfRoot.get(top);
    if (label === undefined) {
      label = clusters.length;
      labelOfRoot.set(top, label);
      clusters.push([]);
    }
    labels[index] = label;
    (clusters[label] as number[]).push(index);
  }
  return { labels, clusters };
}

/** Unit-length mean vector of every cluster (the centroid a new attribute is assigned by). */
export function clusterCentroids(
  vectors: readonly SparseVector[],
  clusters: readonly number[][],
): SparseVector[] {
  const dimension = Math.max(1, dimensionOf(vectors));
  return clusters.map((members) => {
    const sum = new Float64Array(dimension);
    for (const member of members) {
      const vector = vectors[member] as SparseVector;
      for (let k = 0; k < vector.indices.length; k++) {
        const position = vector.indices[k] as number;
        sum[position] = (sum[position] as number) + (vector.values[k] as number);
      }
    }
    let squares = 0;
    let nonZero = 0;
    for (const value of sum) {
      if (value !== 0) {
        squares += value * value;
        nonZero++;
      }
    }
    const indices = new Int32Array(nonZero);
    const values = new Float32Array(nonZero);
    const scale = squares > 0 ? 1 / Math.sqrt(squares) : 0;
    let position = 0;
    for (let index = 0; index < dimension; index++) {
      const value = sum[index] as number;
      if (value !== 0) {
        indices[position] = index;
        values[position] = value * scale;
        position++;
      }
    }
    return { indices, values };
  });
}
