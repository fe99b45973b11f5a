import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startSimulator } from '@parley/simulator';
import { renderChaosTable } from './chaos-table';
import { CHAOS_TEMP_ROOT, removeChaosTemp } from './harness/chaos-job';
import { passed, type ScenarioResult } from './scenario';
import { SCENARIOS } from './scenarios';

/** Where `--logs` with no folder puts the logs (git-ignored). */
const DEFAULT_LOGS_FOLDER = 'test-artifacts/chaos';

/**
 * `npm run chaos`: runs every scenario (or those named with `--only a,b`) one after another
 * against real `parley` processes, then prints the table. `--quick` runs the short forms;
 * `--logs [DIR]` keeps every scenario's process output (in test-artifacts/chaos by default),
 * `--keep` the job and run folders.
 * Exits 1 if any row has lost or duplicated pairs or a broken guarantee.
 */
async function main(argv: string[]): Promise<number> {
  // Every call must reach the provider (the simulator): the response cache, on by default for
  // users, would answer repeats and skew what is measured. Child processes inherit this.
  process.env.PARLEY_CACHE = 'off';
  const onlyIndex = argv.indexOf('--only');
  const only = onlyIndex >= 0 ? new Set((argv[onlyIndex + 1] ?? '').split(',')) : undefined;
  const scale = argv.includes('--quick') ? 'quick' : 'full';
  const logsIndex = argv.indexOf('--logs');
  const logsArgument = argv[logsIndex + 1];
  const logsFolder =
    logsIndex < 0
      ? undefined
      : path.resolve(logsArgument && !logsArgument.startsWith('--') ? logsArgument : DEFAULT_LOGS_FOLDER);
  const saveLogs = async (name: string, text: string) => {
    if (!logsFolder) return;
    await mkdir(logsFolder, { recursive: true });
    await writeFile(path.join(logsFolder, `${name}.log`), text);
  };
  const selected = SCENARIOS.filter((scenario) => !only || only.has(scenario.id));
  if (selected.length === 0) {
    process.stderr.write(
      `no scenario matches; known: ${SCENARIOS.map((scenario) => scenario.id).join(', ')}\n`,
    );
    return 2;
  }
  const simulator = await startSimulator({ seed: 7, latencyMs: 20 });
  const started = Date.now();
  const log = (line: string) =>
    process.stderr.write(`chaos ${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s: ${line}\n`);
  const results: ScenarioResult[] = [];
  try {
    for (const scenario of selected) {
      log(`${scenario.title}...`);
      const result = await scenario.run({ simulatorUrl: simulator.url, scale, log, saveLogs });
      log(
        `${scenario.title}: ${passed(result) ? 'ok' : 'FAILED'} in ${(result.durationMs / 1000).toFixed(1)} s`,
      );
      results.push(result);
    }
  } finally {
    await simulator.close();
    // Job and run folders stay for a look with --keep; otherwise they go.
    if (argv.includes('--keep')) log(`job and run folders kept in ${CHAOS_TEMP_ROOT}`);
    else await removeChaosTemp();
  }
  process.stdout.write(
    `${renderChaosTable(results)}\n\ntotal ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
  return results.every(passed) ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
