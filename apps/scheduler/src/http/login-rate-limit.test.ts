import { describe, expect, it } from 'vitest';
import { DEFAULT_LOGIN_RATE_LIMIT, LoginRateLimiter } from './login-rate-limit';

/** A clock the test moves by hand: no test here waits for real time. */
function manualClock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('the failed-login limit', () => {
  it('documents its defaults: 10 failures per address per minute', () => {
    expect(DEFAULT_LOGIN_RATE_LIMIT).toMatchObject({ maxFailures: 10, windowMs: 60_000 });
  });

  it('refuses an address after maxFailures failures in the window, until the oldest ages out', () => {
    const clock = manualClock();
    const limiter = new LoginRateLimiter({ maxFailures: 3, windowMs: 60_000 }, clock.now);
    for (let failure = 0; failure < 3; failure += 1) {
      expect(limiter.retryAfterMs('10.0.0.1')).toBe(0);
      limiter.recordFailure('10.0.0.1');
      clock.advance(10_000);
    }
    // Failures at 0 s, 10 s and 20 s; now 30 s: the first ages out at 60 s.
    expect(limiter.retryAfterMs('10.0.0.1')).toBe(30_000);
    expect(limiter.retryAfterMs('10.0.0.2')).toBe(0);
    clock.advance(29_999);
    expect(limiter.retryAfterMs('10.0.0.1')).toBe(1);
    clock.advance(1);
    // A sliding window: one failure slot is free again, not all of them.
    expect(limiter.retryAfterMs('10.0.0.1')).toBe(0);
    limiter.recordFailure('10.0.0.1');
    expect(limiter.retryAfterMs('10.0.0.1')).toBe(10_000);
    clock.advance(60_000);
    expect(limiter.retryAfterMs('10.0.0.1')).toBe(0);
    expect(limiter.trackedAddresses).toBe(0);
  });

  it('keeps its memory bounded, forgetting expired addresses first and then the oldest', () => {
    const clock = manualClock();
    const limiter = new LoginRateLimiter({ maxFailures: 2, windowMs: 1_000, maxAddresses: 3 }, clock.now);
    limiter.recordFailure('a');
    clock.advance(2_000);
    for (const address of ['b', 'c', 'd']) limiter.recordFailure(address);
    expect(limiter.trackedAddresses).toBe(3);
    limiter.recordFailure('b');
    limiter.recordFailure('e');
    // c, the least recent live address, was forgotten; b (2 failures) is still refused.
    expect(limiter.trackedAddresses).toBe(3);
    expect(limiter.retryAfterMs('b')).toBeGreaterThan(0);
  });

  it('refuses nonsense settings with a message naming the setting', () => {
    expect(() => new LoginRateLimiter({ maxFailures: 0 })).toThrow(/loginRateLimit: maxFailures/);
    expect(() => new LoginRateLimiter({ windowMs: 1.5 })).toThrow(/windowMs/);
  });
});
