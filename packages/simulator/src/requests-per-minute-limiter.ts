/**
 * A sliding 60-second window of admitted requests, as providers enforce requests per minute.
 * The admission times live in a ring buffer used as a queue: times older than the window drop
 * off the front, so each check is amortised O(1) and memory is `limit` numbers.
 */
export class RequestsPerMinuteLimiter {
  private readonly times: Float64Array;
  private head = 0;
  private size = 0;

  constructor(
    readonly limit: number,
    private readonly windowMs = 60_000,
  ) {
    this.times = new Float64Array(limit);
  }

  /** Admits the request, or says how long until one more would be admitted. */
  tryAdmit(now: number): { admitted: true; remaining: number } | { admitted: false; retryAfterMs: number } {
    while (this.size > 0 && now - this.times[this.head]! >= this.windowMs) {
      this.head = (this.head + 1) % this.limit;
      this.size--;
    }
    if (this.size >= this.limit) {
      return { admitted: false, retryAfterMs: this.windowMs - (now - this.times[this.head]!) };
    }
    this.times[(this.head + this.size) % this.limit] = now;
    this.size++;
    return { admitted: true, remaining: this.limit - this.size };
  }

  reset(): void {
    this.head = 0;
    this.size = 0;
  }
}
