import { createHash } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type AcceptedConversation, InputError, type RejectedCandidate, type RunConfig } from '@parley/core';
import { RunFolder } from '../run-folder';
import type { DerivedFrom, IterationFacts, ReleaseModel } from './release-input';
import { STAGE_FILES } from './release-layout';
import { MANIFEST_FILE, type ReleaseManifest, readReleaseManifest } from './release-manifest';
import { readReleaseVersions } from './release-versions';
import type { UsageSummary } from './usage-summary';
import { type ReleaseVerification, verifyRelease } from './verify-release';
import { writeRelease } from './write-release';

/** A release made from another one: its lines, and what was done. */
export interface DeriveReleaseOptions {
  /** The source release folder (complete, verified). */
  source: string;
  /** The new release folder: must not exist yet, or be empty. */
  target: string;
  operation: DerivedFrom['operation'];
  description: string;
  accepted: readonly AcceptedConversation[];
  rejected: readonly RejectedCandidate[];
  /** Iterations the new release covers. @defaultValue the source's */
  iterations?: readonly number[];
  /** Pairs planned per iteration. @defaultValue the source's */
  pairsPlanned?: ReadonlyMap<number, number>;
  /** @defaultValue the source's usage */
  usage?: UsageSummary;
  /** The config the new release publishes (a new Critic's block, say). @defaultValue the source's */
  config?: RunConfig;
  /** The model bindings it publishes. @defaultValue the source's */
  models?: Record<string, ReleaseModel>;
}

/**
 * Writes a new release from lines of an existing one (a filter, a new Critic's verdicts)
 * through the same writer as a run's release: the lines go to the new folder's work files,
 * the stage files are copied, and the writer seals the folder with its manifest, which names
 * the source (`derivedFrom`: folder name and manifest sha256). The new release is verified
 * before this returns; its temporary work folder is removed.
 */
export async function deriveRelease(
  options: DeriveReleaseOptions,
): Promise<{ manifest: ReleaseManifest; verification: ReleaseVerification }> {
  const source = path.resolve(options.source);
  const target = path.resolve(options.target);
  if (source === target)
    throw new InputError(target, 'the new release must go to another folder than its source');
  const sourceManifest = await readReleaseManifest(source);
  const manifestSha256 = createHash('sha256')
    .update(await readFile(path.join(source, MANIFEST_FILE)))
    .digest('hex');
  await assertEmptyOrMissing(target);
  const folder = new RunFolder(target);
  await rm(folder.workFolder, { recursive: true, force: true });
  try {
    await mkdir(folder.workIterationsFolder, { recursive: true });
    await mkdir(target, { recursive: true });
    for (const name of STAGE_FILES) {
      await copyFile(path.join(source, name), path.join(target, name)).catch(
        (error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') throw error;
        },
      );
    }
    const iterations = new Set(
      options.iterations ?? sourceManifest.iterations.map((entry) => entry.iteration),
    );
    const facts: IterationFacts[] = sourceManifest.iterations
      .filter((entry) => iterations.has(entry.iteration))
      .map((entry) => ({
        iteration: entry.iteration,
        pairsPlanned: options.pairsPlanned?.get(entry.iteration) ?? entry.pairsPlanned,
        ...(entry.startedAt === undefined ? {} : { startedAt: entry.startedAt }),
        ...(entry.finishedAt === undefined ? {} : { finishedAt: entry.finishedAt }),
        examplePoolIds: entry.examplePoolIds,
      }));
    for (const fact of facts) {
      const accepted = options.accepted.filter((record) => record.iteration === fact.iteration);
      const rejected = options.rejected.filter((record) => record.iteration === fact.iteration);
      await writeLines(folder.acceptedLines(fact.iteration), accepted);
      await writeLines(folder.rejectedLines(fact.iteration), rejected);
    }
    const seedFormat = sourceManifest.seedFormat === 'auto' ? undefined : sourceManifest.seedFormat;
    const manifest = await writeRelease({
      runFolder: target,
      runId: sourceManifest.runId,
      config: options.config ?? sourceManifest.config,
      iterations: facts,
      usage: options.usage ?? sourceManifest.usage,
      timings: sourceManifest.timings,
      versions: await readReleaseVersions(),
      models: options.models ?? sourceManifest.models,
      ...(seedFormat ? { seedFormat } : {}),
      stageStatistics: sourceManifest.provenance.stages,
      derivedFrom: {
        operation: options.operation,
        release: path.basename(source),
        manifestSha256,
        description: options.description,
      },
    });
    return { manifest, verification: await verifyRelease(target) };
  } finally {
    await rm(folder.workFolder, { recursive: true, force: true });
  }
}

async function writeLines(file: string, records: readonly object[]): Promise<void> {
  await writeFile(file, records.map((record) => `${JSON.stringify(record)}\n`).join(''));
}

async function assertEmptyOrMissing(folder: string): Promise<void> {
  try {
    const entries = await readdir(folder);
    if (entries.length > 0)
      throw new InputError(folder, 'already exists and is not empty: choose a new folder');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
