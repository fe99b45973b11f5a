// `npm run bench` (every scenario, ~18 min on 2 cores) or `npm run bench -- --quick` (smaller
// sizes, under 2 min). Options: --only=efficiency,overhead,scale-out,tokens,cost,growth;
// --profile (every process under --cpu-prof, summaries in the results); --growth-sizes=2000,20000,100000.
// Full runs write bench/results.json (merged by scenario with the previous file when --only is
// given); quick runs write bench/out/results.quick.json. Scratch files go to bench/out/.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { costScenario } from './scenarios/cost-scenario';
import { efficiencyScenario } from './scenarios/efficiency-scenario';
import { createGrowthScenario } from './scenarios/growth-scenario';
import { overheadScenario } from './scenarios/overhead-scenario';
import { qualityScenario } from './scenarios/quality-scenario';
import { scaleOutScenario } from './scenarios/scale-out-scenario';
import { tokenScenario } from './scenarios/token-scenario';
import { machineFacts } from './support/bench-environment';
import { BENCH_OUT, BENCH_ROOT } from './support/bench-paths';
import { markdownTable, textTable } from './support/results-table';
import type { Scenario, ScenarioResult } from './support/scenario';

interface BenchOptions {
  quick: boolean;
  profile: boolean;
  only?: string[];
  growthSizes?: number[];
}

function parseArguments(argv: readonly string[]): BenchOptions {
  const options: BenchOptions = { quick: false, profile: false };
  for (const argument of argv) {
    const [name, value] = argument.split('=', 2) as [string, string | undefined];
    if (name === '--quick') options.quick = true;
    else if (name === '--profile') options.profile = true;
    else if (name === '--only' && value) options.only = value.split(',').filter(Boolean);
    else if (name === '--growth-sizes' && value) {
      options.growthSizes = value.split(',').map(Number);
      if (options.growthSizes.some((size) => !Number.isInteger(size) || size < 1))
        throw new Error(`--growth-sizes: expected positive integers, got ${value}`);
    } else
      throw new Error(`unknown argument ${argument} (known: --quick, --profile, --only=…, --growth-sizes=…)`);
  }
  return options;
}

interface ResultsFile {
  generatedAt: string;
  quick: boolean;
  durationMs: number;
  machine: ReturnType<typeof machineFacts>;
  scenarios: Record<string, ScenarioResult | { id: string; error: string; startedAt: string }>;
}

async function main(): Promise<number> {
  // Every call must reach the provider (the simulator): the response cache, on by default for
  // users, would answer repeats and skew what is measured. Child processes inherit this.
  process.env.PARLEY_CACHE = 'off';
  const options = parseArguments(process.argv.slice(2));
  const scenarios: Scenario[] = [
    efficiencyScenario,
    overheadScenario,
    scaleOutScenario,
    tokenScenario,
    costScenario,
    createGrowthScenario(options.growthSizes),
    qualityScenario,
  ];
  const known = new Set(scenarios.map((scenario) => scenario.id));
  for (const id of options.only ?? []) if (!known.has(id)) throw new Error(`--only: no scenario ${id}`);
  const chosen = scenarios.filter((scenario) => !options.only || options.only.includes(scenario.id));
  const started = Date.now();
  const log = (message: string) =>
    process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}\n`);
  const scratch = path.join(BENCH_OUT, options.quick ? 'quick' : 'full');
  await rm(scratch, { recursive: true, force: true });
  await mkdir(scratch, { recursive: true });

  const results = new Map<string, ScenarioResult>();
  const failures: Record<string, { id: string; error: string; startedAt: string }> = {};
  for (const scenario of chosen) {
    log(`${scenario.id}: ${scenario.title}`);
    const startedAt = new Date().toISOString();
    try {
      const result = await scenario.run({
        quick: options.quick,
        profile: options.profile,
        folder: path.join(scratch, scenario.id),
        log: (message) => log(`  ${message}`),
        earlier: results,
      });
      results.set(scenario.id, result);
      log(`${scenario.id}: done in ${(result.durationMs / 1000).toFixed(0)} s`);
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      log(`${scenario.id}: FAILED: ${message}`);
      failures[scenario.id] = { id: scenario.id, error: message, startedAt };
    }
  }

  const resultsPath = options.quick
    ? path.join(BENCH_OUT, 'results.quick.json')
    : path.join(BENCH_ROOT, 'results.json');
  const previous = options.only ? await readPrevious(resultsPath) : undefined;
  const file: ResultsFile = {
    generatedAt: new Date().toISOString(),
    quick: options.quick,
    durationMs: Date.now() - started,
    machine: machineFacts(),
    scenarios: { ...previous?.scenarios, ...Object.fromEntries(results), ...failures },
  };
  await mkdir(path.dirname(resultsPath), { recursive: true });
  await writeFile(resultsPath, `${JSON.stringify(file, null, 2)}\n`);
  const all = scenarios
    .map((scenario) => file.scenarios[scenario.id])
    .filter((result): result is ScenarioResult => !!result && 'rows' in result);
  await writeFile(
    path.join(BENCH_OUT, options.quick ? 'results.quick.md' : 'results.md'),
    `${markdownTable(all)}\n`,
  );

  process.stdout.write(`\n${textTable(all)}\n\n`);
  const missed = all.flatMap((result) => result.rows.filter((row) => row.met === false));
  process.stdout.write(
    `${all.length} scenario(s) in ${resultsPath}; ${missed.length} target(s) missed; ` +
      `this invocation took ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
  );
  return Object.keys(failures).length > 0 ? 1 : 0;
}

async function readPrevious(file: string): Promise<ResultsFile | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as ResultsFile;
  } catch {
    return undefined;
  }
}

process.exitCode = await main();
