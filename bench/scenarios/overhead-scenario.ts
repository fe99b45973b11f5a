import path from 'node:path';
import {
  atLeast,
  atMost,
  fixed,
  megabytes,
  type Scenario,
  scenarioTiming,
  seconds,
} from '../support/scenario';
import { measureOverheadRun, OVERHEAD_SETTINGS } from './overhead-run';

const ONE_GIB = 2 ** 30;

/** Scenario 2, overhead: the paper's size (20,000 pairs × 2 candidates) at simulator latency 0. */
export const overheadScenario: Scenario = {
  id: 'overhead',
  title: 'Overhead at the paper’s size (latency 0)',
  async run(context) {
    const startedAt = new Date();
    const pairs = context.quick ? 1_500 : 20_000;
    const measured = await measureOverheadRun({
      pairs,
      folder: path.join(context.folder, String(pairs)),
      profile: context.profile,
      log: context.log,
    });
    const parleyProcesses = measured.usage.processes.filter((process) => process.name !== 'redis-server');
    const largest = Math.max(...parleyProcesses.map((process) => process.peakRssBytes));
    return {
      ...scenarioTiming(this, startedAt),
      settings: { pairs, ...OVERHEAD_SETTINGS },
      metrics: { ...measured },
      rows: [
        {
          measure: 'pairs → accepted',
          value: `${pairs} → ${measured.run.accepted} in ${seconds(measured.run.wallMs)} (${measured.run.calls} LLM calls)`,
        },
        atLeast('accepted conversations / s (end to end)', measured.acceptedPerSecond, 150, fixed(1)),
        {
          measure: 'accepted / s during the iteration',
          value: fixed(1)(measured.iterationAcceptedPerSecond),
        },
        atMost('Redis peak (used_memory_peak)', measured.redis.peakBytes, 256 * 2 ** 20, megabytes),
        ...measured.usage.processes.map((process) =>
          process.name === 'redis-server'
            ? { measure: 'peak RSS redis-server', value: megabytes(process.peakRssBytes) }
            : atMost(`peak RSS ${process.name}`, process.peakRssBytes, ONE_GIB, megabytes),
        ),
        {
          measure: 'scheduler RSS: iteration / release phase',
          value: `${megabytes(measured.peakRssByPhase.iteration.scheduler ?? 0)} / ${megabytes(measured.peakRssByPhase.release.scheduler ?? 0)}`,
        },
        {
          measure: 'CPU per pair (all processes)',
          value: `${fixed(1)(measured.cpuMsPerPair)} ms (${measured.usage.processes
            .map((process) => `${process.name} ${fixed(0)(process.cpuSeconds)} s`)
            .join(', ')})`,
        },
        {
          measure: 'other load on the machine meanwhile',
          value: `${fixed(0)(measured.usage.foreignCpuShare * 100)}% of its CPU`,
        },
        {
          measure: 'accepted / s with the whole machine (CPU-bound estimate)',
          value: fixed(1)(measured.cpuBoundAcceptedPerSecond),
        },
      ],
      notes: [
        `Critic: ${OVERHEAD_SETTINGS.criticDescription}. The token scenario measures the other panels (calls per pair and accepted/s at latency 0).`,
        `Largest Parley process: ${megabytes(largest)} peak RSS.`,
      ],
    };
  },
};
