import path from 'node:path';
import { linearFit, segmentSlopes } from '../support/linear-fit';
import {
  atMost,
  fixed,
  megabytes,
  type Scenario,
  type ScenarioContext,
  scenarioTiming,
} from '../support/scenario';
import { measureOverheadRun, OVERHEAD_SETTINGS, type OverheadMeasurement } from './overhead-run';

/** Sizes of the growth scenario; `--growth-sizes=2000,20000,100000` overrides them. */
export function growthSizes(context: Pick<ScenarioContext, 'quick'>, override?: number[]): number[] {
  if (override && override.length >= 2) return override;
  return context.quick ? [300, 800, 1_500] : [2_000, 20_000, 100_000];
}

/** Scenario 5, growth: the overhead run at several sizes; time and Redis memory per pair should stay flat. */
export function createGrowthScenario(sizesOverride?: number[]): Scenario {
  return {
    id: 'growth',
    title: 'Growth: the overhead run at several sizes',
    async run(context) {
      const startedAt = new Date();
      const sizes = growthSizes(context, sizesOverride);
      const earlier = context.earlier.get('overhead')?.metrics as OverheadMeasurement | undefined;
      const measurements: OverheadMeasurement[] = [];
      for (const pairs of sizes) {
        if (earlier && earlier.pairs === pairs) {
          context.log(`growth: ${pairs} pairs measured by the overhead scenario, reused`);
          measurements.push(earlier);
          continue;
        }
        measurements.push(
          await measureOverheadRun({
            pairs,
            folder: path.join(context.folder, String(pairs)),
            profile: false,
            log: context.log,
          }),
        );
      }
      const points = measurements.map((measured) => ({
        pairs: measured.pairs,
        wallMs: measured.run.wallMs,
        iterationMs: measured.run.iterationMs,
        msPerPair: measured.run.wallMs / measured.pairs,
        iterationMsPerPair: measured.run.iterationMs / measured.pairs,
        cpuMsPerPair: measured.cpuMsPerPair,
        acceptedPerSecond: measured.acceptedPerSecond,
        redisPeakBytes: measured.redis.peakBytes,
        redisPeakBytesPerPair: (measured.redis.peakBytes - measured.redis.startBytes) / measured.pairs,
        redisRetainedBytesPerPair: (measured.redis.endBytes - measured.redis.startBytes) / measured.pairs,
        largestProcessRssBytes: Math.max(
          ...measured.usage.processes
            .filter((process) => process.name !== 'redis-server')
            .map((process) => process.peakRssBytes),
        ),
        schedulerRssIterationBytes: measured.peakRssByPhase?.iteration.scheduler ?? 0,
        schedulerRssReleaseBytes: measured.peakRssByPhase?.release.scheduler ?? 0,
        foreignCpuShare: measured.usage.foreignCpuShare,
      }));
      const time = points.map((point) => ({ x: point.pairs, y: point.wallMs }));
      // CPU time of every process: unlike wall time, it does not depend on what else the
      // machine was doing, so it is the figure the flatness check uses.
      const cpu = points.map((point) => ({ x: point.pairs, y: point.cpuMsPerPair * point.pairs }));
      const memory = points.map((point) => ({ x: point.pairs, y: point.redisPeakBytes }));
      const timeSegments = segmentSlopes(time);
      const cpuSegments = segmentSlopes(cpu);
      const memorySegments = segmentSlopes(memory);
      const timeFlatness = timeSegments.at(-1)! / timeSegments[0]!;
      const cpuFlatness = cpuSegments.at(-1)! / cpuSegments[0]!;
      const memoryFlatness = memorySegments.at(-1)! / Math.max(1, memorySegments[0]!);
      return {
        ...scenarioTiming(this, startedAt),
        settings: { sizes, ...OVERHEAD_SETTINGS },
        metrics: {
          points,
          timeFit: linearFit(time),
          cpuFit: linearFit(cpu),
          memoryFit: linearFit(memory),
          timeSegmentMsPerPair: timeSegments,
          cpuSegmentMsPerPair: cpuSegments,
          memorySegmentBytesPerPair: memorySegments,
          timeFlatness,
          cpuFlatness,
          memoryFlatness,
        },
        rows: [
          ...points.map((point) => ({
            measure: `${point.pairs} pairs`,
            value: `${fixed(2)(point.msPerPair)} ms/pair (${fixed(0)(point.acceptedPerSecond)} accepted/s), Redis peak ${megabytes(point.redisPeakBytes)} (${fixed(0)(point.redisPeakBytesPerPair)} B/pair), largest process ${megabytes(point.largestProcessRssBytes)} (scheduler ${megabytes(point.schedulerRssIterationBytes)} in the iteration, ${megabytes(point.schedulerRssReleaseBytes)} writing the release)`,
          })),
          {
            measure: 'CPU time slope per segment (all processes)',
            value: cpuSegments.map((slope) => `${fixed(2)(slope)} ms/pair`).join(' → '),
          },
          atMost('CPU time: last segment ÷ first segment slope', cpuFlatness, 1.25),
          {
            measure: 'wall time slope per segment (depends on other load)',
            value: `${timeSegments.map((slope) => `${fixed(2)(slope)} ms/pair`).join(' → ')} (last ÷ first ${fixed(2)(timeFlatness)}; other load ${points.map((point) => `${fixed(0)(point.foreignCpuShare * 100)}%`).join(', ')})`,
          },
          {
            measure: 'Redis peak slope per segment',
            value: memorySegments.map((slope) => `${fixed(0)(slope)} B/pair`).join(' → '),
          },
          atMost('Redis: last segment ÷ first segment slope', memoryFlatness, 1.25),
        ],
        notes: [
          'Flat means linear: each added pair costs the same time and Redis memory however large the run. The checks compare the marginal cost (slope) of the last segment with the first; 1.0 is perfectly linear, and fixed costs (start-up, seed, release) drop out of a slope. Time is checked on CPU seconds of all processes, which other work on a shared machine does not change; wall time is shown with the other load measured during each point.',
        ],
      };
    },
  };
}
