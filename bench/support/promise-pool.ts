/**
 * A plain promise pool: at most `concurrency` tasks run at once, the rest wait in FIFO order.
 * No queue system, no Redis: the benchmark's naive baseline.
 */
export class PromisePool {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  /** Tasks started so far. */
  started = 0;
  /** Most tasks seen running at once. */
  highest = 0;

  constructor(readonly concurrency: number) {
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError('concurrency must be ≥ 1');
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    this.started++;
    this.highest = Math.max(this.highest, this.running);
    try {
      return await task();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}
