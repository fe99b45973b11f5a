/**
 * How many times each request body has been seen, so that a retried request draws a fresh fault
 * decision and can succeed. Bounded: the least recently seen body is forgotten first (a Map
 * keeps insertion order, and a hit is re-inserted at the end), so memory stays flat over
 * millions of requests.
 */
export class AttemptCounter {
  private readonly seen = new Map<number, number>();

  constructor(private readonly capacity: number) {}

  /** The 0-based attempt number of this body, counting this one. */
  next(key: number): number {
    const previous = this.seen.get(key);
    const attempt = previous === undefined ? 0 : previous + 1;
    if (previous !== undefined) this.seen.delete(key);
    else if (this.seen.size >= this.capacity) this.seen.delete(this.seen.keys().next().value!);
    this.seen.set(key, attempt);
    return attempt;
  }

  get size(): number {
    return this.seen.size;
  }

  clear(): void {
    this.seen.clear();
  }
}
