/**
 * The callers of one process waiting for the same shared limiter, in arrival order. Only the
 * line's head asks Redis for a slot; the others wait their turn, so N waiting calls cost one
 * poll per interval instead of N. A release in this process wakes the head at once instead of
 * leaving it to its next poll. Slots released by other processes are still found by polling.
 */
export class LocalWaitingLine {
  private readonly waiting: Array<{ resolve: () => void; reject: (reason: unknown) => void }> = [];
  private headBusy = false;
  private wakeHead: (() => void) | undefined;
  // A wake that came while the head was asking Redis (not asleep): its next sleep ends at once,
  // or a slot freed during that round trip would wait for a whole poll interval.
  private wokenMeanwhile = false;

  /** Callers in the line, the head included. */
  get length(): number {
    return this.waiting.length + (this.headBusy ? 1 : 0);
  }

  /** Resolves when the caller is the head; the caller must `leave()` afterwards, whatever happens. */
  async join(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (!this.headBusy) {
      this.headBusy = true;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const entry = {
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        reject,
      };
      const onAbort = () => {
        const index = this.waiting.indexOf(entry);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(entry);
    });
  }

  /** The head is done (admitted, aborted or failed): the next caller becomes head. */
  leave(): void {
    this.wakeHead = undefined;
    const next = this.waiting.shift();
    if (next) next.resolve();
    else this.headBusy = false;
  }

  /** The head sleeps until `milliseconds` pass, `wake()` is called, or the signal aborts. */
  sleep(milliseconds: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      if (this.wokenMeanwhile) {
        this.wokenMeanwhile = false;
        resolve();
        return;
      }
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.wakeHead = undefined;
        resolve();
      };
      const onAbort = () => {
        clearTimeout(timer);
        this.wakeHead = undefined;
        reject(signal?.reason);
      };
      const timer = setTimeout(done, milliseconds);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.wakeHead = done;
    });
  }

  /** Something was released in this process: the sleeping head looks again now. */
  wake(): void {
    if (this.wakeHead) this.wakeHead();
    else if (this.length > 0) this.wokenMeanwhile = true;
  }
}
