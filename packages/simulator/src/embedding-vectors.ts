import { hashString } from '@parley/core';

/**
 * Deterministic text embeddings by feature hashing: lower-cased word unigrams, word bigrams and
 * character trigrams are hashed into `dimensions` signed buckets, then the vector is
 * L2-normalised. Texts that share words and word pieces get a high cosine ("I have a dog" vs
 * "I have two dogs"), unrelated texts a low one, which is what persona clustering and
 * near-duplicate checks need from a stand-in model. Not a semantic model: synonyms do not meet.
 */
export function embedText(text: string, dimensions: number): Float32Array {
  const vector = new Float32Array(dimensions);
  const words = (text.toLowerCase().match(WORD) ?? []).map(stem);
  for (let index = 0; index < words.length; index++) {
    const word = words[index]!;
    const stop = STOP_WORDS.has(word);
    addFeature(vector, `w:${word}`, stop ? 0.2 : 1);
    if (index > 0) addFeature(vector, `b:${words[index - 1]}_${word}`, stop ? 0.1 : 0.4);
    if (!stop) {
      // Trigrams of the padded word: "hiking" still meets "hiker".
      const padded = `<${word}>`;
      for (let start = 0; start + 3 <= padded.length; start++)
        addFeature(vector, `c:${padded.slice(start, start + 3)}`, 0.3);
    }
  }
  let norm = 0;
  for (let index = 0; index < dimensions; index++) norm += vector[index]! * vector[index]!;
  norm = Math.sqrt(norm);
  if (norm === 0) {
    // A text without words still gets a unit vector of its own.
    vector[hashString(text) % dimensions] = 1;
    return vector;
  }
  for (let index = 0; index < dimensions; index++) vector[index] = vector[index]! / norm;
  return vector;
}

/** A light suffix stripper so that "dogs", "hiking" and "baked" meet "dog", "hik", "bak". */
function stem(word: string): string {
  if (word.length > 5 && word.endsWith('ing')) return word.slice(0, -3);
  if (word.length > 4 && word.endsWith('ed')) return word.slice(0, -2);
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

function addFeature(vector: Float32Array, feature: string, weight: number): void {
  const hash = hashString(feature);
  const index = hash % vector.length;
  // One hash gives both the bucket and the sign, so collisions cancel instead of piling up.
  vector[index] = vector[index]! + (hash & 0x80000000 ? -weight : weight);
}

/** OpenAI's `encoding_format: 'base64'`: little-endian float32 bytes, base64-encoded. */
export function encodeEmbeddingBase64(vector: Float32Array): string {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64');
}

const WORD = /[\p{L}\p{N}']+/gu;
const STOP_WORDS = new Set(
  "a an and are as at be but by do for from have i i'm in is it my me of on or so that the to was we with you your".split(
    ' ',
  ),
);
