import { describe, expect, it } from 'vitest';
import { LocalWaitingLine } from './local-waiting-line';

describe('LocalWaitingLine', () => {
  it('lets callers through one at a time, in arrival order', async () => {
    const line = new LocalWaitingLine();
    const order: number[] = [];
    await Promise.all(
      [0, 1, 2, 3].map(async (index) => {
        await line.join();
        order.push(index);
        await new Promise((resolve) => setTimeout(resolve, 5));
        line.leave();
      }),
    );
    expect(order).toEqual([0, 1, 2, 3]);
    expect(line.length).toBe(0);
  });

  it('wakes a sleeping head early, and remembers a wake that came while it was awake', async () => {
    const line = new LocalWaitingLine();
    await line.join();
    let started = Date.now();
    setTimeout(() => line.wake(), 20);
    await line.sleep(5_000);
    expect(Date.now() - started).toBeLessThan(1_000);
    line.wake(); // the head is not asleep: the wake is kept for its next sleep
    started = Date.now();
    await line.sleep(5_000);
    expect(Date.now() - started).toBeLessThan(100);
    line.leave();
  });

  it('drops a waiter whose signal aborts, and the line goes on without it', async () => {
    const line = new LocalWaitingLine();
    await line.join();
    const controller = new AbortController();
    const aborted = line.join(controller.signal);
    const next = line.join();
    controller.abort(new Error('shutting down'));
    await expect(aborted).rejects.toThrow('shutting down');
    expect(line.length).toBe(2);
    line.leave();
    await next;
    line.leave();
    expect(line.length).toBe(0);
  });
});
