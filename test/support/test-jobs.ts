import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './parley-processes';

export interface TestJobOptions {
  name?: string;
  iterations?: number;
  pairs?: number;
  candidatesPerPair?: number;
  seedPath?: string;
  /** Extra YAML appended to the job (e.g. a `personas:` block). */
  extra?: string;
  /** Simulator latency when the run starts its own simulator. */
  latencyMs?: number;
}

/** Writes a job file using the simulator into a fresh temp folder; returns its path and output folder. */
export async function writeTestJob(
  options: TestJobOptions = {},
): Promise<{ jobFile: string; outputFolder: string }> {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'parley-e2e-'));
  const outputFolder = path.join(folder, 'releases');
  const job = `name: ${options.name ?? 'e2e'}
seed:
  path: ${options.seedPath ?? path.join(REPO_ROOT, 'seeds/parley-seed.jsonl')}
output:
  dir: ${outputFolder}
iterations: ${options.iterations ?? 2}
pairs: ${options.pairs ?? 12}
candidatesPerPair: ${options.candidatesPerPair ?? 2}
randomSeed: 3
models:
  sim:
    provider: simulator
    model: parley-sim-1
    price: { inputPerMillionTokens: 0.15, outputPerMillionTokens: 0.6 }
generator:
  model: sim
critic:
  model: sim
examplePool:
  size: 10
concurrency:
  chunkSize: 8
simulator:
  seed: 3
  latencyMs: ${options.latencyMs ?? 0}
${options.extra ?? ''}`;
  const jobFile = path.join(folder, 'job.yaml');
  await writeFile(jobFile, job);
  return { jobFile, outputFolder };
}

/** A namespace of its own per test, so runs and queues never meet another test's. */
export function testNamespace(label: string): string {
  return `test-${label}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}
