import { type RunningSimulator, type SimulatorOptions, startSimulator } from '@parley/simulator';
import { expect } from 'vitest';
import { removeChaosTemp } from '../../chaos/harness/chaos-job';
import type { Scenario, ScenarioResult } from '../../chaos/scenario';

/**
 * Runs a chaos scenario's short form (`scale: 'quick'`) against a simulator of its own and
 * checks its row: no broken guarantee, nothing lost, nothing duplicated, every pair accounted.
 */
export async function runQuickScenario(
  scenario: Scenario,
  simulatorOptions: SimulatorOptions = { seed: 7, latencyMs: 30 },
): Promise<ScenarioResult> {
  let simulator: RunningSimulator | undefined;
  try {
    simulator = await startSimulator(simulatorOptions);
    const result = await scenario.run({
      simulatorUrl: simulator.url,
      scale: 'quick',
      log: () => undefined,
      saveLogs: async () => undefined,
    });
    expect(result.problems, result.notes.join('\n')).toEqual([]);
    expect(result.lost).toBe(0);
    expect(result.duplicates).toBe(0);
    expect(result.pairsAccounted).toBe(result.pairsExpected);
    return result;
  } finally {
    await simulator?.close();
    await removeChaosTemp();
  }
}
