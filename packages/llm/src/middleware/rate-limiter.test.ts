import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxInAnyWindow } from '../test-support/max-in-any-window';
import { createTestRedis, type TestRedis } from '../test-support/test-redis';
import { RateLimiter } from './rate-limiter';

let testRedis: TestRedis;
beforeAll(() => {
  testRedis = createTestRedis();
});
afterAll(async () => {
  await testRedis.cleanup();
});

let counter = 0;
const nextId = () => `limiter-${++counter}`;
const lease = { inputTokens: 0, outputTokens: 0, leaseMs: 5_000 };

describe('RateLimiter', () => {
  it('admits at most requestsPerMinute calls in any sliding window', async () => {
    const limiter = new RateLimiter(testRedis.redis, testRedis.prefix, { windowMs: 400 });
    const id = nextId();
    const permits = await Promise.all(
      Array.from({ length: 12 }, () => limiter.acquire(id, { requestsPerMinute: 5 }, lease)),
    );
    const times = permits.map((permit) => permit.admittedAt);
    expect(maxInAnyWindow(times, 400)).toBe(5);
    // 12 calls at 5 per window need three windows.
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(800);
    await Promise.all(permits.map((permit) => limiter.release(id, permit, { kind: 'failed' })));
  });

  it('holds concurrency to maxConcurrency across callers', async () => {
    const limiter = new RateLimiter(testRedis.redis, testRedis.prefix, { pollIntervalMs: 10 });
    const id = nextId();
    let inFlight = 0;
    let highest = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        const permit = await limiter.acquire(id, { maxConcurrency: 3 }, lease);
        inFlight++;
        highest = Math.max(highest, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 40));
        inFlight--;
        await limiter.release(id, permit, { kind: 'ok', inputTokens: 0, outputTokens: 0 });
      }),
    );
    expect(highest).toBe(3);
    expect((await limiter.state(id)).inFlight).toBe(0);
  });

  it('frees the slot of a caller that died holding it once its lease expires', async () => {
    const limiter = new RateLimiter(testRedis.redis, testRedis.prefix, { pollIntervalMs: 10 });
    const id = nextId();
    await limiter.acquire(id, { maxConcurrency: 1 }, { ...lease, leaseMs: 250 }); // never released
    const started = Date.now();
    const permit = await limiter.acquire(id, { maxConcurrency: 1 }, lease);
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(200);
    expect(waited).toBeLessThan(1_000);
    await limiter.release(id, permit, { kind: 'failed' });
  });

  it('reserves estimated input tokens and settles them to the actual count', async () => {
    const limiter = new RateLimiter(testRedis.redis, testRedis.prefix, { windowMs: 60_000 });
    const id = nextId();
    const limits = { inputTokensPerMinute: 100, outputTokensPerMinute: 1_000 };
    const first = await limiter.acquire(id, limits, { inputTokens: 70, outputTokens: 500, leaseMs: 5_000 });
    expect((await limiter.state(id)).inputTokensInWindow).toBe(70);
    await limiter.release(id, first, { kind: 'ok', inputTokens: 20, outputTokens: 30 });
    const state = await limiter.state(id);
    expect(state.inputTokensInWindow).toBe(20);
    expect(state.outputTokensInWindow).toBe(30);
    // 20 + 80 fits the 100 limit only because the estimate was corrected.
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 500);
    const second = await limiter.acquire(
      id,
      limits,
      { inputTokens: 80, outputTokens: 900, leaseMs: 5_000 },
      controller.signal,
    );
    expect(second.waitedMs).toBeLessThan(100);
    // A third does not fit in this (one-minute) window.
    const third = limiter.acquire(
      id,
      limits,
      { inputTokens: 10, outputTokens: 0, leaseMs: 5_000 },
      AbortSignal.timeout(200),
    );
    await expect(third).rejects.toThrow();
  });

  it('halves the allowed rate on a 429 (once per burst) and adds back on success', async () => {
    const limiter = new RateLimiter(testRedis.redis, testRedis.prefix, {
      windowMs: 300,
      aimd: { decreaseFactor: 0.5, increaseStep: 0.25, minimumFactor: 0.1, decreaseCooldownMs: 100 },
    });
    const id = nextId();
    const limits = { requestsPerMinute: 8 };
    const a = await limiter.acquire(id, limits, lease);
    const b = await limiter.acquire(id, limits, lease);
    expect(await limiter.release(id, a, { kind: 'rate-limited' })).toBe(0.5);
    expect(await limiter.release(id, b, { kind: 'rate-limited' })).toBe(0.5); // same burst
    await new Promise((resolve) => setTimeout(resolve, 350));
    // Allowed now: floor(8 × 0.5) = 4 per window.
    const permits = await Promise.all(Array.from({ length: 6 }, () => limiter.acquire(id, limits, lease)));
    expect(
      maxInAnyWindow(
        permits.map((permit) => permit.admittedAt),
        300,
      ),
    ).toBe(4);
    expect(await limiter.release(id, permits[0]!, { kind: 'ok', inputTokens: 0, outputTokens: 0 })).toBe(
      0.75,
    );
    expect(await limiter.release(id, permits[1]!, { kind: 'ok', inputTokens: 0, outputTokens: 0 })).toBe(1);
    expect(await limiter.release(id, permits[2]!, { kind: 'ok', inputTokens: 0, outputTokens: 0 })).toBe(1);
  });

  it('pauses every caller until a 429 retry-after has passed', async () => {
    const limiter = new RateLimiter(testRedis.redis, testRedis.prefix);
    const id = nextId();
    const permit = await limiter.acquire(id, {}, lease);
    await limiter.release(id, permit, { kind: 'rate-limited', retryAfterMs: 300 });
    const started = Date.now();
    await limiter.acquire(id, {}, lease);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('gives up waiting when the signal aborts', async () => {
    const limiter = new RateLimiter(testRedis.redis, testRedis.prefix, { windowMs: 60_000 });
    const id = nextId();
    await limiter.acquire(id, { requestsPerMinute: 1 }, lease);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('shutting down')), 50);
    await expect(limiter.acquire(id, { requestsPerMinute: 1 }, lease, controller.signal)).rejects.toThrow(
      'shutting down',
    );
  });
});

describe('RateLimiter within one process', () => {
  it('hands a released slot to a waiting caller at once, not at its next poll', async () => {
    // A poll interval far longer than the test: only the local wake-up can make it fast.
    const limiter = new RateLimiter(testRedis.redis, testRedis.prefix, { pollIntervalMs: 5_000 });
    const id = nextId();
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        const permit = await limiter.acquire(id, { maxConcurrency: 2 }, lease);
        await new Promise((resolve) => setTimeout(resolve, 20));
        await limiter.release(id, permit, { kind: 'ok', inputTokens: 0, outputTokens: 0 });
      }),
    );
    expect(Date.now() - started).toBeLessThan(2_000);
    expect((await limiter.state(id)).inFlight).toBe(0);
  });

  it('skips the release script for a call that held no share', async () => {
    const limiter = new RateLimiter(testRedis.redis, testRedis.prefix);
    const id = nextId();
    const permit = await limiter.acquire(id, {}, lease);
    expect(permit.releaseNeeded).toBe(false);
    expect(await limiter.release(id, permit, { kind: 'ok', inputTokens: 1, outputTokens: 1 })).toBe(1);
    const limited = await limiter.acquire(id, { maxConcurrency: 1 }, lease);
    expect(limited.releaseNeeded).toBe(true);
    await limiter.release(id, limited, { kind: 'ok', inputTokens: 0, outputTokens: 0 });
  });
});
