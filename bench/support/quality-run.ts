import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  acceptedConversationSchema,
  type Conversation,
  type RunConfigInput,
  rejectedCandidateSchema,
  SIMULATED_DEFECT_KINDS,
  type SimulatedDefectKind,
} from '@parley/core';
import { RunFolder } from '@parley/scheduler';
import { conversationKey, type RunningSimulator } from '@parley/simulator';
import { runEmbedded } from '../../apps/cli/src/embedded/run-embedded';
import { readJsonLinesIfPresent } from '../../test/support/json-lines';
import { type CriticVariant, criticBlock } from './bench-job';

/** The Critic panels of the quality measurement, and the control that accepts everything. */
export type QualityVariant = CriticVariant | 'accept-all';

/** One generated candidate as the run settled it, with what the simulator planted in it. */
export interface CandidateOutcome {
  iteration: number;
  accepted: boolean;
  /** Rejected by a filter (not by losing the vote). */
  filtered: boolean;
  /** The simulator's record (for measuring only: the judges never read it). */
  defects: SimulatedDefectKind[];
}

export interface QualityRunOptions {
  variant: QualityVariant;
  /** The simulator the run's `simulator` model calls (its planted record is read back). */
  simulator: RunningSimulator;
  /** Folder for the job file and the run's output. */
  folder: string;
  seedPath: string;
  pairs: number;
  iterations: number;
  /** Redis namespace of the run (PARLEY_NAMESPACE). */
  namespace: string;
  /** @defaultValue 10 */
  examplePoolSize?: number;
  /** @defaultValue 8 */
  concurrency?: number;
}

export interface QualityRun {
  variant: QualityVariant;
  candidates: CandidateOutcome[];
  /** Candidates whose text the simulator has no record of (should be 0). */
  unlabelled: number;
  /** Input + output tokens the run's calls cost (the simulator's counts). */
  tokens: number;
  wallMs: number;
}

/**
 * Runs one job in this process (`parley run`'s embedded mode) against `simulator`, the Critic
 * replaced by `variant`'s panel (accept-all: one candidate per pair, no filter, so every
 * candidate is accepted), then reads every settled candidate back from the run's iteration
 * files and labels it with the simulator's record of what it planted.
 */
export async function runQualityJob(options: QualityRunOptions): Promise<QualityRun> {
  const acceptAll = options.variant === 'accept-all';
  const job: RunConfigInput = {
    name: `quality-${options.variant}`,
    description: 'quality measurement job written by bench/support/quality-run.ts',
    seed: { path: options.seedPath },
    output: { dir: path.join(options.folder, 'releases') },
    iterations: options.iterations,
    pairs: options.pairs,
    candidatesPerPair: acceptAll ? 1 : 2,
    randomSeed: 11,
    models: { sim: { provider: 'simulator', model: 'parley-sim-1' } },
    generator: { model: 'sim' },
    critic: acceptAll ? { model: 'sim', filters: [] } : criticBlock(options.variant as CriticVariant),
    examplePool: { size: options.examplePoolSize ?? 10 },
    concurrency: {
      generate: options.concurrency ?? 8,
      critique: options.concurrency ?? 8,
      chunkSize: 500,
    },
  };
  await mkdir(options.folder, { recursive: true });
  const jobFile = path.join(options.folder, `quality-${options.variant}.json`);
  await writeFile(jobFile, `${JSON.stringify(job, null, 2)}\n`);
  const environment: NodeJS.ProcessEnv = {
    ...process.env,
    PARLEY_NAMESPACE: options.namespace,
    PARLEY_SIMULATOR_URL: options.simulator.url,
  };
  const before = options.simulator.stats().tokens;
  const started = Date.now();
  const result = await runEmbedded({
    jobFile,
    progress: false,
    environment,
    runId: `quality-${options.variant}`,
  });
  const wallMs = Date.now() - started;
  if (result.run.status !== 'completed') throw new Error(`run ${result.run.id} ended ${result.run.status}`);
  const after = options.simulator.stats().tokens;
  const planted = new Map(options.simulator.planted().records.map((record) => [record.key, record.defects]));
  const candidates: CandidateOutcome[] = [];
  let unlabelled = 0;
  const folder = new RunFolder(result.run.runFolder);
  for (let iteration = 1; iteration <= options.iterations; iteration++) {
    const settled = [
      ...(await readJsonLinesIfPresent(folder.acceptedLines(iteration))).map((line) => {
        const parsed = acceptedConversationSchema.parse(line);
        return { conversation: parsed as Conversation, accepted: true, filtered: false };
      }),
      ...(await readJsonLinesIfPresent(folder.rejectedLines(iteration))).flatMap((line) => {
        const parsed = rejectedCandidateSchema.parse(line);
        return parsed.conversation
          ? [{ conversation: parsed.conversation, accepted: false, filtered: parsed.outcome === 'filtered' }]
          : [];
      }),
    ];
    for (const item of settled) {
      const defects = planted.get(conversationKey(item.conversation.turns));
      if (!defects) unlabelled++;
      candidates.push({
        iteration,
        accepted: item.accepted,
        filtered: item.filtered,
        defects: defects ?? [],
      });
    }
  }
  return {
    variant: options.variant,
    candidates,
    unlabelled,
    tokens: after.input + after.output - before.input - before.output,
    wallMs,
  };
}

/** One defect kind's figures (or, with kind `any`, any defect's). */
export interface KindQuality {
  kind: SimulatedDefectKind | 'any';
  /** Share of candidates with this defect. */
  candidateRate: number;
  /** Share of accepted conversations with this defect. */
  acceptedRate: number;
  /** Share of the candidates with this defect the panel kept out (filtered or lost the vote). */
  recall: number;
  /**
   * Of the candidates the filters rejected, those with this defect over those with it plus the
   * clean ones: the filters' precision on a mix of this kind and clean candidates. NaN when the
   * filters rejected neither.
   */
  precision: number;
}

export interface QualitySummary {
  candidates: number;
  accepted: number;
  kinds: KindQuality[];
  /** Accepted and candidate defect rate (any defect) per iteration. */
  byIteration: Array<{
    iteration: number;
    candidates: number;
    candidateRate: number;
    accepted: number;
    acceptedRate: number;
  }>;
}

/** The per-kind table and the per-iteration defect rates of a run's candidates. */
export function summarizeQuality(candidates: readonly CandidateOutcome[]): QualitySummary {
  const accepted = candidates.filter((candidate) => candidate.accepted);
  const has = (candidate: CandidateOutcome, kind: SimulatedDefectKind | 'any') =>
    kind === 'any' ? candidate.defects.length > 0 : candidate.defects.includes(kind);
  const filteredClean = candidates.filter(
    (candidate) => candidate.filtered && candidate.defects.length === 0,
  ).length;
  const kinds = (['any', ...SIMULATED_DEFECT_KINDS] as const).map((kind): KindQuality => {
    const withKind = candidates.filter((candidate) => has(candidate, kind));
    const filteredWithKind = withKind.filter((candidate) => candidate.filtered).length;
    return {
      kind,
      candidateRate: share(withKind.length, candidates.length),
      acceptedRate: share(accepted.filter((candidate) => has(candidate, kind)).length, accepted.length),
      recall: share(withKind.filter((candidate) => !candidate.accepted).length, withKind.length),
      precision: share(filteredWithKind, filteredWithKind + filteredClean),
    };
  });
  const iterations = [...new Set(candidates.map((candidate) => candidate.iteration))].sort((a, b) => a - b);
  return {
    candidates: candidates.length,
    accepted: accepted.length,
    kinds,
    byIteration: iterations.map((iteration) => {
      const all = candidates.filter((candidate) => candidate.iteration === iteration);
      const kept = all.filter((candidate) => candidate.accepted);
      return {
        iteration,
        candidates: all.length,
        candidateRate: share(all.filter((candidate) => has(candidate, 'any')).length, all.length),
        accepted: kept.length,
        acceptedRate: share(kept.filter((candidate) => has(candidate, 'any')).length, kept.length),
      };
    }),
  };
}

function share(count: number, total: number): number {
  return total === 0 ? Number.NaN : count / total;
}
