/**
 * Deterministic randomness shared by every package: the same seed and labels always give the
 * same choices, in any process, so retried jobs, resumed runs and replayed simulator answers
 * repeat exactly.
 */

/** 32-bit FNV-1a over a string's UTF-16 code units: fast and stable, for keys and seeds. */
export function hashString(text: string, basis = 0x811c9dc5): number {
  let hash = basis >>> 0;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Mixes 32-bit integers into one well-spread 32-bit integer (murmur3's finaliser per step). */
export function mixHashes(...values: number[]): number {
  let hash = 0x9e3779b9;
  for (const value of values) {
    hash ^= value >>> 0;
    hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
    hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
    hash ^= hash >>> 16;
  }
  return hash >>> 0;
}

/** A uniform number in [0, 1) drawn from the given integers, without keeping state. */
export function uniformFrom(...values: number[]): number {
  return mixHashes(...values) / 4294967296;
}

/** The seed of one independent stream, from a run's seed and labels (`'profiles', round`). */
export function deriveSeed(seed: number, ...labels: Array<string | number>): number {
  let hash = hashString(`${seed}|${labels.join('|')}`);
  // murmur3 finaliser: spreads FNV's weak low bits.
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}

/** A seeded generator (mulberry32) with the draws the pipeline needs. */
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
  below(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }

  /** Integer in [minimum, maximum], both inclusive. */
  integer(minimum: number, maximum: number): number {
    if (maximum <= minimum) return minimum;
    return minimum + this.below(maximum - minimum + 1);
  }

  /** True with the given probability. */
  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('cannot pick from an empty list');
    return items[this.below(items.length)]!;
  }

  /** A shuffled copy (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const copy = [...items];
    for (let index = copy.length - 1; index > 0; index--) {
      const other = this.below(index + 1);
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
        const index = this.below(items.length);
        if (chosen.has(index)) continue;
        chosen.add(index);
        result.push(items[index] as T);
      }
      return result;
    }
    return this.shuffle(items).slice(0, count);
  }

  /** A derived generator, so that one part of a computation does not shift another's draws. */
  fork(label: string): SeededRandom {
    return new SeededRandom(mixHashes(this.state, hashString(label)));
  }
}

/** The generator of the stream named by `labels` under a run's seed. */
export function randomFor(seed: number, ...labels: Array<string | number>): SeededRandom {
  return new SeededRandom(deriveSeed(seed, ...labels));
}

/** `run.iteration.pair.candidate`: run and pair ids hold no dots (job ids' ID_PATTERN). */
const RUN_CONVERSATION_ID = /^[A-Za-z0-9_-]+\.(\d+\.[A-Za-z0-9_-]+\.\d+)$/;

/**
 * An id as every run of the same job names it, for seeding draws: a generated conversation's
 * id (`run.iteration.pair.candidate`) loses its run id, whose suffix is random; any other id
 * (a seed example's) comes back unchanged. Keying a draw on the full id would make every re-run
 * send different prompts, and miss the response cache.
 */
export function runIndependentId(id: string): string {
  return RUN_CONVERSATION_ID.exec(id)?.[1] ?? id;
}
