import path from 'node:path';
import { type EnvironmentUsage, startBenchEnvironment } from '../support/bench-environment';
import { CASCADE_DESCRIPTION, writeBenchJob } from '../support/bench-job';
import type { RunOutcome } from '../support/parley-cluster';
import { atLeast, fixed, type Scenario, scenarioTiming, seconds } from '../support/scenario';

const LATENCY_MS = 200;
const CONCURRENCY = 16;

interface ScaleOutPoint {
  workers: number;
  run: Omit<RunOutcome, 'iterations' | 'usage'>;
  pairsPerSecond: number;
  usage: EnvironmentUsage;
}

/**
 * Scenario 3, scale-out: the latency-bound workload (200 ms per call, no provider limit) with
 * one and then two worker processes of 16 jobs per queue each. Throughput is pairs per second of
 * iteration time; each point runs in a fresh environment.
 */
export const scaleOutScenario: Scenario = {
  id: 'scale-out',
  title: 'Scale-out: 1 → 2 worker processes (200 ms, 16 per queue per process)',
  async run(context) {
    const startedAt = new Date();
    const pairs = context.quick ? 120 : 1_200;
    const points: ScaleOutPoint[] = [];
    for (const workers of [1, 2]) {
      const folder = path.join(context.folder, `${workers}-workers`);
      const environment = await startBenchEnvironment({
        latencyMs: LATENCY_MS,
        workers,
        concurrency: CONCURRENCY,
        folder,
      });
      let usage: EnvironmentUsage | undefined;
      try {
        const jobFile = await writeBenchJob({
          name: `scale-out-${workers}`,
          folder,
          pairs,
          critic: 'cascade',
          concurrency: CONCURRENCY,
        });
        context.log(`scale-out: ${pairs} pairs with ${workers} worker process(es)`);
        const outcome = await environment.cluster.runJob(jobFile);
        if (outcome.status !== 'completed') throw new Error(`run ${outcome.runId} ended ${outcome.status}`);
        usage = await environment.close();
        const { iterations: _iterations, usage: _ledger, ...run } = outcome;
        points.push({ workers, run, pairsPerSecond: pairs / (outcome.iterationMs / 1000), usage });
      } finally {
        if (!usage) await environment.close().catch(() => undefined);
      }
    }
    const [one, two] = points as [ScaleOutPoint, ScaleOutPoint];
    const ratio = two.pairsPerSecond / one.pairsPerSecond;
    return {
      ...scenarioTiming(this, startedAt),
      settings: {
        pairs,
        candidatesPerPair: 2,
        latencyMs: LATENCY_MS,
        workerConcurrencyPerQueue: CONCURRENCY,
        providerMaxConcurrency: 'none',
        critic: CASCADE_DESCRIPTION,
      },
      metrics: { points, ratio },
      rows: [
        ...points.map((point) => ({
          measure: `${point.workers} worker process${point.workers > 1 ? 'es' : ''}`,
          value: `${fixed(1)(point.pairsPerSecond)} pairs/s (iteration ${seconds(point.run.iterationMs)})`,
        })),
        atLeast('throughput ratio 2 ÷ 1 workers', ratio, 1.8),
      ],
      notes: [],
    };
  },
};
