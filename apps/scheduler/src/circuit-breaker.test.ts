import { type BreakerConfig, breakerConfigSchema, runConfigSchema } from '@parley/core';
import { describe, expect, it } from 'vitest';
import { CircuitBreaker, type SettledCounters } from './circuit-breaker';

const UNAUTHORIZED = 'provider-error (401 invalid_api_key)';

function breaker(overrides: Partial<BreakerConfig> = {}): CircuitBreaker {
  return new CircuitBreaker(breakerConfigSchema.parse(overrides));
}

/** Cumulative counters of iteration 1 (as Redis keeps them). */
function counters(fields: Partial<SettledCounters>): SettledCounters {
  return { iteration: 1, accepted: 0, rejected: 0, failed: 0, failures: {}, ...fields };
}

describe('CircuitBreaker', () => {
  it('trips when pairs in a row fail with the same category, naming it', () => {
    const watch = breaker({ consecutiveSameError: 5 });
    expect(watch.observe(counters({ failed: 2, failures: { [UNAUTHORIZED]: 4 } }))).toBeUndefined();
    expect(watch.observe(counters({ failed: 4, failures: { [UNAUTHORIZED]: 8 } }))).toBeUndefined();
    expect(watch.observe(counters({ failed: 5, failures: { [UNAUTHORIZED]: 10 } }))).toEqual({
      reason: `circuit breaker: 5 pairs in a row failed with ${UNAUTHORIZED}`,
    });
  });

  it('restarts the streak on a settled success or on a different category', () => {
    const watch = breaker({ consecutiveSameError: 3, minPairs: 50, window: 50 });
    expect(watch.observe(counters({ failed: 2, failures: { missing: 2 } }))).toBeUndefined();
    // One pair accepted in between: the streak starts again.
    expect(watch.observe(counters({ failed: 3, accepted: 1, failures: { missing: 3 } }))).toBeUndefined();
    expect(watch.observe(counters({ failed: 5, accepted: 1, failures: { missing: 5 } }))).toBeUndefined();
    // Another category: a new streak of 1, not 3.
    expect(
      watch.observe(counters({ failed: 6, accepted: 1, failures: { missing: 5, timeout: 1 } })),
    ).toBeUndefined();
    // Mixed categories in one look are not "the same error".
    expect(
      watch.observe(counters({ failed: 10, accepted: 1, failures: { missing: 7, timeout: 3 } })),
    ).toBeUndefined();
    expect(
      watch.observe(counters({ failed: 13, accepted: 1, failures: { missing: 10, timeout: 3 } })),
    ).toEqual({ reason: 'circuit breaker: 3 pairs in a row failed with missing' });
  });

  it('trips on the failure share of the last settled pairs once enough have settled', () => {
    const watch = breaker({ consecutiveSameError: 100, failureShare: 0.5, minPairs: 10, window: 20 });
    // 4 of 8 failed: 50 %, but fewer than minPairs settled.
    expect(
      watch.observe(counters({ accepted: 4, failed: 4, failures: { 'provider-error (500)': 4 } })),
    ).toBeUndefined();
    const trip = watch.observe(
      counters({
        accepted: 5,
        failed: 5,
        failures: { 'provider-error (500)': 4, 'provider-error (503)': 1 },
      }),
    );
    expect(trip?.reason).toBe(
      'circuit breaker: 5 of the last 10 settled pairs failed (50 %, limit 50 %); failures so far: 4 × provider-error (500), 1 × provider-error (503)',
    );
  });

  it('measures the share over the window only: old failures age out', () => {
    const watch = breaker({ consecutiveSameError: 100, failureShare: 0.6, minPairs: 5, window: 10 });
    const failures = (count: number) => ({ a: Math.floor(count / 2), b: count - Math.floor(count / 2) });
    expect(watch.observe(counters({ accepted: 5 }))).toBeUndefined();
    // 5 of 10 failed: 50 %.
    expect(watch.observe(counters({ accepted: 5, failed: 5, failures: failures(5) }))).toBeUndefined();
    // 10 more accepted push the failures out of the window: 0 %.
    expect(watch.observe(counters({ accepted: 15, failed: 5, failures: failures(5) }))).toBeUndefined();
    // 5 failed now: 5 of the last 10, under 60 %; one more makes 6 of 10.
    expect(watch.observe(counters({ accepted: 15, failed: 10, failures: failures(10) }))).toBeUndefined();
    expect(watch.observe(counters({ accepted: 15, failed: 11, failures: failures(11) }))?.reason).toMatch(
      /^circuit breaker: 6 of the last 10 settled pairs failed \(60 %, limit 60 %\); failures so far: 6 × b, 5 × a$/,
    );
  });

  it('keeps the counts of each iteration apart', () => {
    const watch = breaker({ consecutiveSameError: 4 });
    expect(watch.observe(counters({ failed: 3, failures: { timeout: 3 } }))).toBeUndefined();
    // Iteration 2 starts from zero: 1 more failure, a streak of 4.
    expect(watch.observe({ ...counters({ failed: 1, failures: { timeout: 1 } }), iteration: 2 })).toEqual({
      reason: 'circuit breaker: 4 pairs in a row failed with timeout',
    });
  });

  it('stands down for good once a pair failed for the budget', () => {
    const watch = breaker({ consecutiveSameError: 2, minPairs: 2, window: 2 });
    expect(watch.observe(counters({ failed: 1, failures: { budget: 1 } }))).toBeUndefined();
    expect(watch.observe(counters({ failed: 10, failures: { budget: 1, timeout: 9 } }))).toBeUndefined();
  });

  it('does nothing when disabled', () => {
    const watch = breaker({ enabled: false, consecutiveSameError: 1 });
    expect(watch.observe(counters({ failed: 50, failures: { [UNAUTHORIZED]: 50 } }))).toBeUndefined();
  });
});

describe('the breaker block of a job', () => {
  const job = {
    name: 'b',
    seed: { path: 'seed.jsonl' },
    models: { sim: { provider: 'simulator', model: 'parley-sim-1' } },
    generator: { model: 'sim' },
    critic: { model: 'sim' },
  };

  it('has defaults', () => {
    expect(runConfigSchema.parse(job).breaker).toEqual({
      enabled: true,
      consecutiveSameError: 10,
      failureShare: 0.8,
      minPairs: 10,
      window: 50,
    });
  });

  it('rejects values that make no sense, saying where', () => {
    const problems = (breaker: unknown) =>
      runConfigSchema
        .safeParse({ ...job, breaker })
        .error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    expect(problems({ failureShare: 0 })).toEqual([
      'breaker.failureShare: expected a number above 0 and at most 1',
    ]);
    expect(problems({ consecutiveSameError: 0 })).toEqual([
      'breaker.consecutiveSameError: expected a positive integer',
    ]);
    expect(problems({ minPairs: 60, window: 50 })).toEqual([
      'breaker.minPairs: minPairs must not exceed window',
    ]);
    expect(problems({ after: 3 })?.[0]).toMatch(/^breaker: .*after/);
  });
});
