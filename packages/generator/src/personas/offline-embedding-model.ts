import { hashString, type TokenUsage, ZERO_USAGE } from '@parley/core';
import type { CallContext, EmbeddingModel, EmbeddingResult } from '@parley/llm';
import { comparisonKey } from './comparison-key';
import { type SparseVector, toSparseVector } from './sparse-vector';

/** Options of {@link OfflineEmbeddingModel}. */
export interface OfflineEmbeddingOptions {
  /**
   * Hashed dimensions. More dimensions mean fewer colliding features (less noise in cosines)
   * and more memory per dense vector.
   * @defaultValue 1024
   */
  dimension?: number;
  /**
   * Texts whose document frequencies weight the features (inverse document frequency), usually
   * the seed attributes: "I have" is in every persona, "turtle" is not. Fixed at construction, so
   * the same text always gets the same vector. Without them every feature weighs the same.
   * @defaultValue []
   */
  idfDocuments?: readonly string[];
}

export const DEFAULT_OFFLINE_EMBEDDING_OPTIONS: Required<OfflineEmbeddingOptions> = {
  dimension: 1024,
  idfDocuments: [],
};

// Function words carry no topic. Negations are among them on purpose: "I have a dog" and
// "I don't have a dog" are about the same topic; the contradiction check tells them apart.
const STOP_WORDS = new Set(
  (
    'i me my mine myself im ive id ill a an the and or but if so to of in on at by for with from as into ' +
    'about than then there here this that these those it its is am are was were be been being have has ' +
    'had do does did doing dont not no very really just also too can could will would should shall ' +
    'may might must you your we our they their them he she his her him us who whom which what when ' +
    'where why how all any some each every one ones lot lots much many more most own get got like'
  ).split(' '),
);

// Feature weights: words carry the topic, adjacent word pairs the phrase, character n-grams
// the morphology ("dog"/"doggy", "paint"/"painter").
const WORD_WEIGHT = 1;
const BIGRAM_WEIGHT = 0.6;
const CHARACTER_GRAM_WEIGHT = 0.3;

/** Strips a plural or third-person "s" so "dogs" and "dog" share a word feature. */
function stem(word: string): string {
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss') && !word.endsWith('us')) {
    return word.endsWith('ies') && word.length > 4 ? `${word.slice(0, -3)}y` : word.slice(0, -1);
  }
  return word;
}

/** Content words of a text, lower-case, apostrophes dropped, stop words removed, stemmed. */
export function contentWords(text: string): string[] {
  return comparisonKey(text)
    .replace(/'/g, '')
    .split(' ')
    .filter((word) => word.length > 0 && !STOP_WORDS.has(word))
    .map(stem);
}

/**
 * Deterministic offline embeddings: hashed word, word-pair and character 3/4-gram features,
 * sublinear term frequency times an optional inverse document frequency, L2-normalised. No
 * network and no tokens; good enough to cluster persona attributes by topic and to catch
 * near-duplicates, not a semantic model ("I love cats" and "felines are my passion" stay apart).
 */
export class OfflineEmbeddingModel implements EmbeddingModel {
  readonly provider = 'offline';
  readonly modelId: string;
  readonly dimension: number;
  private readonly inverseFrequency: Float32Array | undefined;

  constructor(options: OfflineEmbeddingOptions = {}) {
    const settings = { ...DEFAULT_OFFLINE_EMBEDDING_OPTIONS, ...options };
    if (!Number.isInteger(settings.dimension) || settings.dimension < 16) {
      throw new RangeError(
        `OfflineEmbeddingModel: dimension must be an integer ≥ 16, got ${settings.dimension}`,
      );
    }
    this.dimension = settings.dimension;
    this.modelId = `hashed-ngrams-${settings.dimension}`;
    this.inverseFrequency =
      settings.idfDocuments.length > 0 ? this.fitInverseFrequency(settings.idfDocuments) : undefined;
  }

  async embed(texts: string[], _context?: CallContext): Promise<EmbeddingResult> {
    const usage: TokenUsage = { ...ZERO_USAGE };
    return { embeddings: texts.map((text) => this.embedDense(text)), usage };
  }

  /** The same vector as {@link embed}, in sparse form (what stages 1–3 compute with). */
  embedSparse(text: string): SparseVector {
    return toSparseVector(this.embedDense(text));
  }

  private embedDense(text: string): number[] {
    const counts = this.featureCounts(text);
    const vector = new Array<number>(this.dimension).fill(0);
    for (const [bucket, { count, weight }] of counts) {
      const position = Math.abs(bucket) - 1;
      const idf = this.inverseFrequency ? (this.inverseFrequency[position] as number) : 1;
      vector[position] =
        (vector[position] as number) + Math.sign(bucket) * (1 + Math.log(count)) * weight * idf;
    }
    let squares = 0;
    for (const value of vector) squares += value * value;
    if (squares === 0) return vector;
    const scale = 1 / Math.sqrt(squares);
    return vector.map((value) => value * scale);
  }

  /**
   * Feature → (occurrences, weight), keyed by a signed bucket (±(position + 1)): the sign
   * comes from the hash too, so colliding features tend to cancel instead of adding up.
   */
  private featureCounts(text: string): Map<number, { count: number; weight: number }> {
    const features = new Map<number, { count: number; weight: number }>();
    const add = (feature: string, weight: number): void => {
      const hash = hashString(feature);
      const bucket = ((hash >>> 1) % this.dimension) + 1;
      const key = hash & 1 ? bucket : -bucket;
      const entry = features.get(key);
      if (entry) entry.count++;
      else features.set(key, { count: 1, weight });
    };
    const words = contentWords(text);
    for (let index = 0; index < words.length; index++) {
      const word = words[index] as string;
      add(`w:${word}`, WORD_WEIGHT);
      const next = words[index + 1];
      if (next !== undefined) add(`b:${word} ${next}`, BIGRAM_WEIGHT);
      const padded = `<${word}>`;
      for (const size of [3, 4]) {
        for (let start = 0; start + size <= padded.length; start++) {
          add(`c:${padded.slice(start, start + size)}`, CHARACTER_GRAM_WEIGHT);
        }
      }
    }
    return features;
  }

  private fitInverseFrequency(documents: readonly string[]): Float32Array {
    const frequency = new Float32Array(this.dimension);
    for (const document of documents) {
      for (const bucket of this.featureCounts(document).keys()) {
        const position = Math.abs(bucket) - 1;
        frequency[position] = (frequency[position] as number) + 1;
      }
    }
    const inverse = new Float32Array(this.dimension);
    for (let position = 0; position < this.dimension; position++) {
      inverse[position] = Math.log((1 + documents.length) / (1 + (frequency[position] as number))) + 1;
    }
    return inverse;
  }
}
