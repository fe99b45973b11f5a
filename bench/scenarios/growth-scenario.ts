import path from 'node:path';
import { linearFit, segmentSlopes } from '../support/linear-fit';
import { atMost, fixed, megabytes, type Scenario, type ScenarioContext } from '../support/scenario';
import { measureOverheadRun, OVERHEAD_SETTINGS, type OverheadMeasurement } from './overhead-run';

/** Sizes of the growth scenario; `--growth-sizes=2000,20000,100000` overrides them. */
export function growthSizes(context: Pick<ScenarioContext, 'quick'>, override?: number[]): number[] {
  if (override && override.length >= 2) return override;
  return context.quick ? [300, 800, 1_500] : [2_000, 20_000, 40_000];
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
      const memory = points.map((point) => ({ x: point.pairs, y: point.redisPeakBytes }));
      const timeSegments = segmentSlopes(time);
      const memorySegments = segmentSlopes(memory);
      const timeFlatness = timeSegments.at(-1)! / timeSegments[0]!;
      const memoryFlatness = memorySegments.at(-1)! / Math.max(1, memorySegments[0]!);
      return {
        id: this.id,
        title: this.title,
        startedAt: startedAt.toISOString(),
        durationMs: Date.now() - startedAt.getTime(),
        settings: { sizes, ...OVERHEAD_SETTINGS },
        metrics: {
          points,
          timeFit: linearFit(time),
          memoryFit: linearFit(memory),
          timeSegmentMsPerPair: timeSegments,
          memorySegmentBytesPerPair: memorySegments,
          timeFlatness,
          memoryFlatness,
        },
        rows: [
          ...points.map((point) => ({
            measure: `${point.pairs} pairs`,
            value: `${fixed(2)(point.msPerPair)} ms/pair (${fixed(0)(point.acceptedPerSecond)} accepted/s), Redis peak ${megabytes(point.redisPeakBytes)} (${fixed(0)(point.redisPeakBytesPerPair)} B/pair), largest process ${megabytes(point.largestProcessRssBytes)} (scheduler ${megabytes(point.schedulerRssIterationBytes)} in the iteration, ${megabytes(point.schedulerRssReleaseBytes)} writing the release)`,
          })),
          {
            measure: 'time slope per segment',
            value: timeSegments.map((slope) => `${fixed(2)(slope)} ms/pair`).join(' → '),
          },
          atMost('time: last segment ÷ first segment slope', timeFlatness, 1.25),
          {
            measure: 'Redis peak slope per segment',
            value: memorySegments.map((slope) => `${fixed(0)(slope)} B/pair`).join(' → '),
          },
          atMost('Redis: last segment ÷ first segment slope', memoryFlatness, 1.25),
        ],
        notes: [
          'Flat means linear: each added pair costs the same time and Redis memory however large the run. The check compares the marginal cost (slope) of the last segment with the first; 1.0 is perfectly linear, and the end-to-end time includes fixed costs (start-up, seed, release) that the slope excludes.',
        ],
      };
    },
  };
}
