import { describe, expect, it } from 'vitest';
import { AttemptCounter } from './attempt-counter';
import { RequestsPerMinuteLimiter } from './requests-per-minute-limiter';

describe('RequestsPerMinuteLimiter', () => {
  it('admits up to the limit within any 60 s window and says when the next slot frees', () => {
    const limiter = new RequestsPerMinuteLimiter(3);
    expect(limiter.tryAdmit(0)).toEqual({ admitted: true, remaining: 2 });
    expect(limiter.tryAdmit(10_000)).toEqual({ admitted: true, remaining: 1 });
    expect(limiter.tryAdmit(20_000)).toEqual({ admitted: true, remaining: 0 });
    expect(limiter.tryAdmit(30_000)).toEqual({ admitted: false, retryAfterMs: 30_000 });
    // The first admission leaves the window at 60 s: one slot, not three.
    expect(limiter.tryAdmit(60_000)).toEqual({ admitted: true, remaining: 0 });
    expect(limiter.tryAdmit(65_000)).toEqual({ admitted: false, retryAfterMs: 5_000 });
    expect(limiter.tryAdmit(200_000)).toEqual({ admitted: true, remaining: 2 });
  });
});

describe('AttemptCounter', () => {
  it('counts attempts per key and forgets the least recently seen beyond its capacity', () => {
    const counter = new AttemptCounter(2);
    expect(counter.next(1)).toBe(0);
    expect(counter.next(1)).toBe(1);
    expect(counter.next(2)).toBe(0);
    expect(counter.next(1)).toBe(2);
    expect(counter.next(3)).toBe(0);
    expect(counter.size).toBe(2);
    // Key 2 was the least recently seen, so it starts over; key 1 is remembered.
    expect(counter.next(2)).toBe(0);
    expect(counter.next(3)).toBe(1);
    expect(counter.size).toBe(2);
  });
});
