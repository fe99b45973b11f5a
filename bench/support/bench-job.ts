import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CriticConfig, RunConfigInput } from '@parley/core';
import { SPC_TEST_CSV } from './bench-paths';

/** Critic panels the scenarios compare (docs/critic.md). */
export type CriticVariant =
  | 'paper'
  | 'cascade'
  | 'rubric'
  | 'cascade-rubric'
  | 'offline-pairwise'
  | 'offline-rubric';

const LLM_FILTERS: CriticConfig['filters'] = ['toxicity', 'faithfulness'];
const OFFLINE_FILTERS: CriticConfig['filters'] = [
  'structure',
  'repetition',
  'grounding',
  'near-duplicate',
  'toxicity',
];
const CASCADE_FILTERS: CriticConfig['filters'] = [
  'structure',
  'repetition',
  'grounding',
  'near-duplicate',
  'toxicity',
  'faithfulness',
];

/** How the results describe the `cascade` variant. */
export const CASCADE_DESCRIPTION =
  'cascade (offline filters, LLM toxicity and faithfulness, pairwise FED vote)';

/**
 * The `critic:` block of each variant. `paper`: the paper's panel, LLM filters (toxicity,
 * faithfulness) then the pairwise FED vote (5 policies, both orders). `cascade`: Parley's default,
 * offline filters (no tokens) in front of the same LLM filters and vote. `offline-*`: offline
 * filters only (toxicity by word list), no LLM filter. The `rubric` variants replace the pairwise
 * vote by one batched rubric call per pair.
 */
export function criticBlock(variant: CriticVariant): RunConfigInput['critic'] {
  const offline = variant === 'offline-pairwise' || variant === 'offline-rubric';
  const filters =
    variant === 'paper' || variant === 'rubric' ? LLM_FILTERS : offline ? OFFLINE_FILTERS : CASCADE_FILTERS;
  const mode = variant.endsWith('rubric') ? 'rubric' : 'pairwise';
  return { model: 'sim', filters, mode, toxicity: offline ? 'wordlist' : 'llm', bothOrders: true };
}

export interface BenchJobOptions {
  name: string;
  /** Folder for the job file and the run folders. */
  folder: string;
  pairs: number;
  /** @defaultValue 2 */
  candidatesPerPair?: number;
  /** @defaultValue 1 */
  iterations?: number;
  critic: CriticVariant;
  /** Concurrent generate and critique jobs per worker process (select follows critique). */
  concurrency: number;
  /** Pairs per fan-out chunk. @defaultValue 500 */
  chunkSize?: number;
  /** The provider's concurrent-request limit, enforced by Parley's shared limiter. @defaultValue none */
  maxConcurrency?: number;
}

/** Writes a job file (JSON, which is YAML) over the SPC test split and returns its path. */
export async function writeBenchJob(options: BenchJobOptions): Promise<string> {
  await mkdir(options.folder, { recursive: true });
  const job: RunConfigInput = {
    name: options.name,
    description: 'benchmark job written by bench/support/bench-job.ts',
    seed: { path: SPC_TEST_CSV },
    output: { dir: path.join(options.folder, 'releases') },
    iterations: options.iterations ?? 1,
    pairs: options.pairs,
    candidatesPerPair: options.candidatesPerPair ?? 2,
    randomSeed: 11,
    models: {
      sim: {
        provider: 'simulator',
        model: 'parley-sim-1',
        limits: options.maxConcurrency ? { maxConcurrency: options.maxConcurrency } : {},
      },
    },
    generator: { model: 'sim' },
    critic: criticBlock(options.critic),
    examplePool: { size: 20 },
    concurrency: {
      generate: options.concurrency,
      critique: options.concurrency,
      chunkSize: options.chunkSize ?? 500,
    },
  };
  const file = path.join(options.folder, `${options.name}.json`);
  await writeFile(file, `${JSON.stringify(job, null, 2)}\n`);
  return file;
}
