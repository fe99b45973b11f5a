/**
 * An L2-normalised vector stored as its non-zero entries, indices ascending. Hashed n-gram
 * embeddings have a few dozen non-zeros in hundreds of dimensions, so every similarity in
 * stages 1–3 works on this form; a dense embedding from a remote model is simply "all non-zero".
 */
export interface SparseVector {
  readonly indices: Int32Array;
  readonly values: Float32Array;
}

/** Dense → sparse, L2-normalised. A zero vector stays empty (its similarity to anything is 0). */
export function toSparseVector(dense: ArrayLike<number>): SparseVector {
  let count = 0;
  let squares = 0;
  for (let index = 0; index < dense.length; index++) {
    const value = dense[index] as number;
    if (value !== 0) {
      count++;
      squares += value * value;
    }
  }
  const indices = new Int32Array(count);
  const values = new Float32Array(count);
  const scale = squares > 0 ? 1 / Math.sqrt(squares) : 0;
  let position = 0;
  for (let index = 0; index < dense.length; index++) {
    const value = dense[index] as number;
    if (value !== 0) {
      indices[position] = index;
      values[position] = value * scale;
      position++;
    }
  }
  return { indices, values };
}

/** Cosine similarity of two sparse unit vectors: a merge join over their sorted indices. */
export function sparseCosine(first: SparseVector, second: SparseVector): number {
  let sum = 0;
  let left = 0;
  let right = 0;
  while (left < first.indices.length && right < second.indices.length) {
    const a = first.indices[left] as number;
    const b = second.indices[right] as number;
    if (a === b) {
      sum += (first.values[left] as number) * (second.values[right] as number);
      left++;
      right++;
    } else if (a < b) {
      left++;
    } else {
      right++;
    }
  }
  return sum;
}

/** Cosine similarity of two dense vectors of equal length (0 when either is all zeros). */
export function cosineSimilarity(first: ArrayLike<number>, second: ArrayLike<number>): number {
  if (first.length !== second.length) {
    throw new RangeError(`cosineSimilarity: lengths differ (${first.length} and ${second.length})`);
  }
  let dot = 0;
  let firstSquares = 0;
  let secondSquares = 0;
  for (let index = 0; index < first.length; index++) {
    const a = first[index] as number;
    const b = second[index] as number;
    dot += a * b;
    firstSquares += a * a;
    secondSquares += b * b;
  }
  return firstSquares > 0 && secondSquares > 0 ? dot / Math.sqrt(firstSquares * secondSquares) : 0;
}

/** Largest index used by any of the vectors, plus one: the dense dimension they fit in. */
export function dimensionOf(vectors: readonly SparseVector[]): number {
  let dimension = 0;
  for (const vector of vectors) {
    const last = vector.indices[vector.indices.length - 1];
    if (last !== undefined && last + 1 > dimension) dimension = last + 1;
  }
  return dimension;
}
