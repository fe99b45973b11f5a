import { describe, expect, it } from 'vitest';
import { DeadlineExpired, withCallDeadline } from './call-deadline';

describe('withCallDeadline', () => {
  it('settles at the deadline even when the work ignores its signal', async () => {
    let seen: AbortSignal | undefined;
    const started = performance.now();
    const outcome = await withCallDeadline(100, undefined, (signal) => {
      seen = signal;
      return new Promise<never>(() => {});
    });
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
    expect(outcome).toMatchObject({ expired: true });
    expect(seen?.aborted).toBe(true);
    expect(seen?.reason).toBeInstanceOf(DeadlineExpired);
  });

  it('returns the value in time, and lets the caller’s abort win', async () => {
    expect(await withCallDeadline(1_000, undefined, async () => 42)).toEqual({ value: 42 });
    const caller = new AbortController();
    const pending = withCallDeadline(1_000, caller.signal, () => new Promise<never>(() => {}));
    caller.abort(new Error('shutting down'));
    await expect(pending).rejects.toThrow('shutting down');
  });
});
