import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../../test/support/parley-processes';

/** Every job folder of this process (or test worker) goes under one temp folder, removed at the end. */
export const CHAOS_TEMP_ROOT = path.join(
  os.tmpdir(),
  `parley-chaos-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
);

/** Removes every job folder (and run folder) this process wrote. */
export async function removeChaosTemp(): Promise<void> {
  await rm(CHAOS_TEMP_ROOT, { recursive: true, force: true });
}

/** The project's own seed set (25 conversations, 25 pairs). */
export const PARLEY_SEED = path.join(REPO_ROOT, 'seeds/parley-seed.jsonl');

export interface ChaosJobOptions {
  name: string;
  /** @defaultValue 2 */
  iterations?: number;
  pairs: number;
  /** @defaultValue 2 */
  candidatesPerPair?: number;
  /** @defaultValue the project's seed set */
  seedPath?: string;
  /** `seed.format`. @defaultValue 'auto' */
  seedFormat?: 'auto' | 'spc-csv' | 'parlai-txt' | 'hf-json' | 'parley-jsonl';
  /** `seed.mode`. @defaultValue 'lenient' */
  seedMode?: 'strict' | 'lenient';
  /** Settings of the `sim` binding (YAML mapping lines, e.g. `timeoutMs: 1500`). */
  simModel?: string[];
  /** `generator.model`. @defaultValue 'sim' */
  generatorModel?: string;
  /** The `critic:` block's lines. @defaultValue ['model: sim'] */
  critic?: string[];
  /** @defaultValue 25 */
  chunkSize?: number;
  /** `randomSeed`. @defaultValue 11 */
  randomSeed?: number;
  /** More top-level YAML (a `models:` entry goes in `extraModels`). */
  extra?: string;
  /** More `models:` entries (YAML, indented two spaces). */
  extraModels?: string;
  /** Where the job file and its `releases/` go. @defaultValue a new folder under CHAOS_TEMP_ROOT */
  folder?: string;
}

export interface ChaosJob {
  jobFile: string;
  folder: string;
  /** The job's `output.dir`: run folders land in it. */
  outputFolder: string;
  iterations: number;
  pairs: number;
}

/** Writes a job file for a run against the simulator (PARLEY_SIMULATOR_URL). */
export async function writeChaosJob(options: ChaosJobOptions): Promise<ChaosJob> {
  await mkdir(CHAOS_TEMP_ROOT, { recursive: true });
  const folder = options.folder ?? (await mkdtemp(path.join(CHAOS_TEMP_ROOT, `${options.name}-`)));
  await mkdir(folder, { recursive: true });
  const outputFolder = path.join(folder, 'releases');
  const iterations = options.iterations ?? 2;
  const indent = (lines: readonly string[], spaces: number) =>
    lines.map((line) => `${' '.repeat(spaces)}${line}`).join('\n');
  const yaml = `name: ${options.name}
seed:
  path: ${JSON.stringify(options.seedPath ?? PARLEY_SEED)}
  format: ${options.seedFormat ?? 'auto'}
  mode: ${options.seedMode ?? 'lenient'}
output:
  dir: ${JSON.stringify(outputFolder)}
iterations: ${iterations}
pairs: ${options.pairs}
candidatesPerPair: ${options.candidatesPerPair ?? 2}
randomSeed: ${options.randomSeed ?? 11}
models:
  sim:
    provider: simulator
    model: parley-sim-1
    price: { inputPerMillionTokens: 0.15, outputPerMillionTokens: 0.6 }
${indent(options.simModel ?? [], 4)}
${options.extraModels ?? ''}
generator:
  model: ${options.generatorModel ?? 'sim'}
critic:
${indent(options.critic ?? ['model: sim'], 2)}
examplePool:
  size: 10
concurrency:
  chunkSize: ${options.chunkSize ?? 25}
${options.extra ?? ''}
`;
  const jobFile = path.join(folder, `${options.name}.yaml`);
  await writeFile(jobFile, yaml);
  return { jobFile, folder, outputFolder, iterations, pairs: options.pairs };
}
