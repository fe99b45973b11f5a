/**
 * Deterministic randomness for the simulator: every answer and every injected fault is a pure
 * function of (seed, request body, attempt), so a run can be replayed exactly.
 */

/** 32-bit FNV-1a over a string's UTF-16 code units: fast, good enough to key requests. */
export function hashText(text: string, basis = 0x811c9dc5): number {
  let hash = basis >>> 0;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Mixes several 32-bit integers into one well-spread 32-bit integer (murmur3 finaliser per step). */
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

/** A small seeded generator (mulberry32) with the helpers the writers need. */
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

  /** Integer in [minimum, maximum], both inclusive. */
  integer(minimum: number, maximum: number): number {
    if (maximum <= minimum) return minimum;
    return minimum + Math.floor(this.next() * (maximum - minimum + 1));
  }

  /** True with the given probability. */
  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('cannot pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** A derived generator, so that one part of an answer does not shift another's draws. */
  fork(label: string): SeededRandom {
    return new SeededRandom(mixHashes(this.state, hashText(label)));
  }
}
