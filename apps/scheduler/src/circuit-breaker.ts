import { addFailureCounts, type BreakerConfig, describeFailures, type IterationCounters } from '@parley/core';

/** The part of an iteration's counters the breaker reads. */
export type SettledCounters = Pick<
  IterationCounters,
  'iteration' | 'accepted' | 'rejected' | 'failed' | 'failures'
>;

/** Why the breaker stopped the run, in one line. */
export interface BreakerTrip {
  reason: string;
}

const BUDGET_CATEGORY = 'budget';

/**
 * Decides from the settle counters whether a run should stop early. The run driver feeds it the
 * counters of the running iteration (cumulative, as Redis keeps them) every time it polls; the
 * breaker works on what changed since the last look:
 *
 * - `consecutiveSameError` pairs in a row failed, all with the same failure category. Only a
 *   look in which nothing but failures of that one category settled extends the streak; any
 *   accepted or rejected pair, or failures of mixed categories, restarts it. Polls see batches,
 *   not order, so this can only under-count a streak, never invent one.
 * - of the last `window` settled pairs, at least `minPairs` are there and the failed share
 *   reaches `failureShare`.
 *
 * A pair that failed because the budget is spent stands the breaker down for good: the budget
 * stops the run on its own terms (with a release of what was bought).
 */
export class CircuitBreaker {
  private readonly seen = new Map<number, SettledCounters>();
  /** Outcomes of the most recently settled pairs, oldest first: true for failed. */
  private readonly recent: boolean[] = [];
  private streak: { category: string; pairs: number } | undefined;
  private failures: Record<string, number> = {};
  private standingDown = false;

  constructor(private readonly config: BreakerConfig) {}

  /** Feeds one look at an iteration's counters; returns the trip once the run must stop. */
  observe(counters: SettledCounters): BreakerTrip | undefined {
    if (!this.config.enabled || this.standingDown) return undefined;
    const before = this.seen.get(counters.iteration);
    this.seen.set(counters.iteration, counters);
    const succeeded =
      counters.accepted + counters.rejected - ((before?.accepted ?? 0) + (before?.rejected ?? 0));
    const failed = counters.failed - (before?.failed ?? 0);
    const categories = changedCategories(before?.failures ?? {}, counters.failures);
    if ((categories[BUDGET_CATEGORY] ?? 0) > 0) {
      this.standingDown = true;
      return undefined;
    }
    if (succeeded <= 0 && failed <= 0) return undefined;
    this.failures = addFailureCounts(this.failures, categories);
    this.remember(Math.max(0, succeeded), Math.max(0, failed));
    this.extendStreak(succeeded, failed, categories);
    return this.streakTrip() ?? this.shareTrip();
  }

  private remember(succeeded: number, failed: number): void {
    for (let index = 0; index < succeeded; index++) this.recent.push(false);
    for (let index = 0; index < failed; index++) this.recent.push(true);
    if (this.recent.length > this.config.window)
      this.recent.splice(0, this.recent.length - this.config.window);
  }

  private extendStreak(succeeded: number, failed: number, categories: Record<string, number>): void {
    const named = Object.keys(categories);
    if (succeeded > 0 || failed <= 0 || named.length !== 1) {
      this.streak = undefined;
      return;
    }
    const category = named[0]!;
    this.streak =
      this.streak?.category === category
        ? { category, pairs: this.streak.pairs + failed }
        : { category, pairs: failed };
  }

  private streakTrip(): BreakerTrip | undefined {
    if (!this.streak || this.streak.pairs < this.config.consecutiveSameError) return undefined;
    return {
      reason: `circuit breaker: ${this.streak.pairs} pairs in a row failed with ${this.streak.category}`,
    };
  }

  private shareTrip(): BreakerTrip | undefined {
    if (this.recent.length < this.config.minPairs) return undefined;
    const failed = this.recent.filter(Boolean).length;
    const share = failed / this.recent.length;
    if (share < this.config.failureShare) return undefined;
    const percent = (value: number) => `${Math.round(value * 100)} %`;
    return {
      reason:
        `circuit breaker: ${failed} of the last ${this.recent.length} settled pairs failed ` +
        `(${percent(share)}, limit ${percent(this.config.failureShare)}); failures so far: ${describeFailures(this.failures)}`,
    };
  }
}

/** Category counts that grew between two looks at the same iteration. */
function changedCategories(
  before: Readonly<Record<string, number>>,
  after: Readonly<Record<string, number>>,
): Record<string, number> {
  const changed: Record<string, number> = {};
  for (const [category, count] of Object.entries(after)) {
    const grown = count - (before[category] ?? 0);
    if (grown > 0) changed[category] = grown;
  }
  return changed;
}
