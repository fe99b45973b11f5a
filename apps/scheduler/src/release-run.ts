import type { RunConfig, RunRecord, RunStore } from '@parley/core';
import { detectSeedFormat } from '@parley/dataset';
import { readUsage } from '@parley/llm';
import type { Redis } from 'ioredis';
import { type IterationFacts, readReleaseVersions, type UsageSummary, writeRelease } from './release';
import { withReleaseFaultHook } from './release-fault-hook';
import type { RunFolder } from './run-folder';

/**
 * Gathers what the scheduler knows of a run and writes its release (idempotent). Also finalises
 * a cancelled or partial run (`parley release finalize`): iterations never started are left out.
 */
export function createRunReleaser(options: { store: RunStore; redis: Redis }) {
  return async (run: RunRecord, config: RunConfig, folder: RunFolder): Promise<void> => {
    const { store, redis } = options;
    const iterations: IterationFacts[] = [];
    let lastFinishedAt = run.createdAt;
    const stageDurationsMs: Record<string, number> = {};
    for (let iteration = 1; iteration <= config.iterations; iteration++) {
      const counters = await store.iterationCounters(run.id, iteration);
      // A cancelled or partial run is released from the iterations it started (what was paid for).
      if (iteration > 1 && counters.planned === 0 && !counters.startedAt) break;
      const pool = (await store.getExamplePool(run.id, iteration)) ?? [];
      iterations.push({
        iteration,
        pairsPlanned: counters.planned,
        startedAt: counters.startedAt ? new Date(counters.startedAt).toISOString() : undefined,
        finishedAt: counters.finishedAt ? new Date(counters.finishedAt).toISOString() : undefined,
        examplePoolIds: pool.map((example) => example.id),
      });
      lastFinishedAt = Math.max(lastFinishedAt, counters.finishedAt ?? 0);
      if (counters.startedAt && counters.finishedAt) {
        stageDurationsMs[`iteration-${iteration}`] = counters.finishedAt - counters.startedAt;
      }
    }
    const report = await readUsage(redis, store.prefix, run.id);
    const toTotals = (totals: (typeof report)['total']) => ({
      inputTokens: totals.inputTokens,
      outputTokens: totals.outputTokens,
      calls: totals.calls + totals.cachedCalls,
      costUsd: totals.costUsd,
      cachedCalls: totals.cachedCalls,
    });
    const usage: UsageSummary = {
      total: toTotals(report.total),
      byModel: Object.fromEntries(
        Object.entries(report.byModel).map(([name, totals]) => [name, toTotals(totals)]),
      ),
      byStage: Object.fromEntries(
        Object.entries(report.byStage).map(([name, totals]) => [name, toTotals(totals)]),
      ),
    };
    const versions = await readReleaseVersions();
    const seedFormat =
      config.seed.format === 'auto' ? await detectSeedFormat(config.seed.path) : config.seed.format;
    // PARLEY_FAULT_KILL_DURING_RELEASE (tests only) kills the process part-way through this write.
    await withReleaseFaultHook(folder.root, () =>
      writeRelease({
        runFolder: folder.root,
        runId: run.id,
        config,
        iterations,
        usage,
        // The last iteration's end, not "now": a release rewritten after a crash stays identical.
        timings: {
          runStartedAt: new Date(run.createdAt).toISOString(),
          runFinishedAt: new Date(lastFinishedAt).toISOString(),
          stageDurationsMs,
        },
        versions,
        seedFormat,
      }),
    );
  };
}
