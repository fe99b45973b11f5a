/**
 * Deterministic randomness for stages 1–3: every sample, draw and shuffle comes from a
 * mulberry32 stream whose seed is derived from the run's seed and a label (stage, round,
 * draft), so a resumed run makes exactly the same choices as the first one.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let value = this.state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [0, maxExclusive). */
  integer(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }

  /** A shuffled copy (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const copy = [...items];
    for (let index = copy.length - 1; index > 0; index--) {
      const other = this.integer(index + 1);
      [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
    }
    return copy;
  }

  /** `count` distinct items in random order (all of them, shuffled, when there are fewer). */
  sample<T>(items: readonly T[], count: number): T[] {
    if (count >= items.length) return this.shuffle(items);
    // Rejection sampling of indices keeps small samples from a large pool O(count), not O(pool).
    if (count * 4 <= items.length) {
      const chosen = new Set<number>();
      const result: T[] = [];
      while (result.length < count) {
        const index = this.integer(items.length);
        if (chosen.has(index)) continue;
        chosen.add(index);
        result.push(items[index] as T);
      }
      return result;
    }
    return this.shuffle(items).slice(0, count);
  }
}

/** 32-bit FNV-1a over a string's UTF-16 code units. */
export function hashString(text: string, basis = 0x811c9dc5): number {
  let hash = basis >>> 0;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A seed for one independent stream, from the run's seed and labels (`'profiles', round`). */
export function deriveSeed(seed: number, ...labels: Array<string | number>): number {
  let hash = hashString(`${seed}|${labels.join('|')}`);
  // murmur3 finaliser: spreads FNV's weak low bits.
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}

/** A generator for the stream named by `labels` under the run's seed. */
export function randomFor(seed: number, ...labels: Array<string | number>): SeededRandom {
  return new SeededRandom(deriveSeed(seed, ...labels));
}
