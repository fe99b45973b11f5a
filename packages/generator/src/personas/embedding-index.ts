import { dimensionOf, type SparseVector, sparseCosine } from './sparse-vector';

/** The closest stored vector to a query. `index` is -1 when the index is empty. */
export interface NearestMatch {
  index: number;
  similarity: number;
}

/**
 * A growing list of sparse unit vectors with nearest-neighbour search by cosine. A query is
 * scattered once into a dense scratch row, so scoring a stored vector costs its non-zeros only.
 */
export class EmbeddingIndex {
  private readonly vectors: SparseVector[] = [];
  private scratch: Float32Array;

  constructor(vectors: readonly SparseVector[] = []) {
    this.scratch = new Float32Array(Math.max(1, dimensionOf(vectors)));
    for (const vector of vectors) this.add(vector);
  }

  get size(): number {
    return this.vectors.length;
  }

  /** Adds a vector and returns its index. */
  add(vector: SparseVector): number {
    const last = vector.indices[vector.indices.length - 1];
    if (last !== undefined && last >= this.scratch.length) {
      this.scratch = new Float32Array(Math.max(last + 1, this.scratch.length * 2));
    }
    this.vectors.push(vector);
    return this.vectors.length - 1;
  }

  vector(index: number): SparseVector {
    const vector = this.vectors[index];
    if (!vector) throw new RangeError(`EmbeddingIndex: no vector ${index} (size ${this.vectors.length})`);
    return vector;
  }

  similarity(first: number, second: number): number {
    return sparseCosine(this.vector(first), this.vector(second));
  }

  /** The stored vector most similar to `query` (lowest index on ties). */
  nearest(query: SparseVector): NearestMatch {
    let best: NearestMatch = { index: -1, similarity: Number.NEGATIVE_INFINITY };
    this.scan(query, (index, similarity) => {
      if (similarity > best.similarity) best = { index, similarity };
    });
    return best;
  }

  /** Cosine of `query` to every stored vector, in index order. */
  similarities(query: SparseVector): Float32Array {
    const result = new Float32Array(this.vectors.length);
    this.scan(query, (index, similarity) => {
      result[index] = similarity;
    });
    return result;
  }

  private scan(query: SparseVector, visit: (index: number, similarity: number) => void): void {
    const scratch = this.scratch;
    for (let k = 0; k < query.indices.length; k++) {
      const position = query.indices[k] as number;
      if (position < scratch.length) scratch[position] = query.values[k] as number;
    }
    for (let index = 0; index < this.vectors.length; index++) {
      const vector = this.vectors[index] as SparseVector;
      let sum = 0;
      for (let k = 0; k < vector.indices.length; k++) {
        sum += (scratch[vector.indices[k] as number] as number) * (vector.values[k] as number);
      }
      visit(index, sum);
    }
    for (let k = 0; k < query.indices.length; k++) {
      const position = query.indices[k] as number;
      if (position < scratch.length) scratch[position] = 0;
    }
  }
}
