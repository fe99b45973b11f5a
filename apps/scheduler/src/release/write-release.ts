import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { type AcceptedConversation, InputError, type RunConfig, type SeedFormat } from '@parley/core';
import { AtomicFileWriter, SpcCsvWriter, writeFileAtomic } from '@parley/dataset';
import { compareCodeUnits, fingerprintOf } from './canonical-json';
import { renderDatasetCard } from './dataset-card';
import { digestFile } from './file-digest';
import { naturalCompare } from './natural-compare';
import { publicConfig, publicModels, publicUrl } from './public-config';
import { readLines } from './read-lines';
import {
  type AcceptedSummary,
  type RejectedSummary,
  readWorkRecords,
  WORK_ITERATIONS_FOLDER,
  type WorkRecord,
  type WorkRecords,
} from './read-work-records';
import {
  type IterationFacts,
  type ReleaseInput,
  type ReleaseModel,
  releaseInputSchema,
} from './release-input';
import { iterationPath, RELEASE_PATHS, STAGE_FILES, spcPath, WORK_FOLDER } from './release-layout';
import {
  MANIFEST_FILE,
  RELEASE_FORMAT,
  RELEASE_FORMAT_VERSION,
  type ReleaseFile,
  type ReleaseManifest,
  releaseManifestSchema,
} from './release-manifest';
import { ReleaseSpool } from './release-spool';
import { computeReleaseStatistics } from './release-statistics';
import { SPC_SPLITS, type SpcSplit, spcSplitOf } from './spc-split';

/** Problems the manifest lists; the rest are counted. */
const MAX_MANIFEST_PROBLEMS = 50;

/** The hidden temp files of @parley/dataset's atomic writers (`.<name>.<pid>.<random>.tmp`). */
const ATOMIC_TEMP_FILE = /^\..+\.\d+\.[0-9a-f]+\.tmp$/;

/**
 * Writes a run's release (DESIGN.md §6) from its `.work` files and what the scheduler knows:
 * `iterations/<n>.jsonl`, `conversations.jsonl`, `rejected.jsonl`, `spc/{train,valid,test}.csv`,
 * `README.md`, and last `manifest.json` with the sha256 of every file. Each file is written
 * atomically; the old manifest is removed first, so until the new one lands the folder does not
 * claim to be a complete release. Data files carry no clock: writing twice from the same
 * `.work` files and input gives identical bytes. Memory holds each record's sort keys and
 * counts only; the lines wait in a spool file under `.work/` (see ReleaseSpool).
 */
export async function writeRelease(input: ReleaseInput): Promise<ReleaseManifest> {
  const parsed = releaseInputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError('release input', `${issue?.path.join('.') || '(root)'}: ${issue?.message}`, {
      code: 'RELEASE_INPUT_INVALID',
    });
  }
  const { runId, config, usage, timings, versions } = parsed.data;
  const runFolder = path.resolve(parsed.data.runFolder);
  const facts = [...parsed.data.iterations].sort((a, b) => a.iteration - b.iteration);
  checkDistinctIterations(facts.map((fact) => fact.iteration));

  await mkdir(runFolder, { recursive: true });
  await rm(path.join(runFolder, MANIFEST_FILE), { force: true });

  const spool = await ReleaseSpool.create(path.join(runFolder, WORK_FOLDER));
  let work: WorkRecords;
  let data: { files: ReleaseFile[]; splitCounts: Record<SpcSplit, number> };
  try {
    work = await readWorkRecords(runFolder, runId, spool);
    checkIterationsPlanned(runFolder, facts, work.iterations);
    data = await writeDataFiles(runFolder, facts, work, spool, config.output.split);
  } finally {
    await spool.remove();
  }
  const { files, splitCounts } = data;

  for (const name of STAGE_FILES) {
    const stageFile = await describeStageFile(runFolder, name);
    if (stageFile) files.push(stageFile);
  }

  const statistics = computeReleaseStatistics(
    facts,
    work.accepted.map((entry) => entry.record),
    work.rejected.map((entry) => entry.record),
  );
  const seedFormat = resolveSeedFormat(config, parsed.data.seedFormat);
  const models = parsed.data.models
    ? Object.fromEntries(
        Object.entries(parsed.data.models).map(([name, model]): [string, ReleaseModel] => [
          name,
          model.baseURL === undefined ? model : { ...model, baseURL: publicUrl(model.baseURL) },
        ]),
      )
    : publicModels(config);
  const shownConfig = publicConfig(config);
  const card = renderDatasetCard({
    runId,
    config: shownConfig,
    models,
    seedFormat,
    versions,
    iterations: statistics.iterations,
    totals: statistics.totals,
    splitCounts,
    usage,
    files: files.map(({ path: file, records }) => ({
      path: file,
      ...(records === undefined ? {} : { records }),
    })),
  });
  await writeFileAtomic(path.join(runFolder, RELEASE_PATHS.readme), card);
  files.push({
    path: RELEASE_PATHS.readme,
    ...(await digestFile(path.join(runFolder, RELEASE_PATHS.readme))),
  });

  await removeStaleFiles(runFolder, new Set(files.map((file) => file.path)));

  const manifest: ReleaseManifest = {
    format: RELEASE_FORMAT,
    formatVersion: RELEASE_FORMAT_VERSION,
    runId,
    complete: true,
    config: shownConfig,
    configFingerprint: fingerprintOf(config),
    seedFormat,
    versions,
    models,
    split: { fractions: config.output.split, counts: splitCounts },
    iterations: statistics.iterations,
    totals: statistics.totals,
    usage,
    timings,
    input: {
      accepted: work.acceptedStats,
      rejected: work.rejectedStats,
      problems: work.problems.slice(0, MAX_MANIFEST_PROBLEMS),
      problemsOmitted: Math.max(0, work.problems.length - MAX_MANIFEST_PROBLEMS),
    },
    files: files.sort((a, b) => compareCodeUnits(a.path, b.path)),
  };
  // The manifest is what a reader trusts: check it against its own schema before it lands.
  const checked = releaseManifestSchema.parse(manifest);
  await writeFileAtomic(path.join(runFolder, MANIFEST_FILE), `${JSON.stringify(checked, null, 2)}\n`);
  return checked;
}

/**
 * The JSONL and SPC CSV files, from the spooled lines: one file per iteration,
 * conversations.jsonl, rejected.jsonl and the SPC splits. Sorts `work` in place.
 */
async function writeDataFiles(
  runFolder: string,
  facts: readonly IterationFacts[],
  work: WorkRecords,
  spool: ReleaseSpool,
  fractions: RunConfig['output']['split'],
): Promise<{ files: ReleaseFile[]; splitCounts: Record<SpcSplit, number> }> {
  work.accepted.sort(compareAccepted);
  work.rejected.sort(compareRejected);
  const files: ReleaseFile[] = [];
  await mkdir(path.join(runFolder, RELEASE_PATHS.iterationsFolder), { recursive: true });
  for (const fact of facts) {
    const lines = work.accepted.filter((entry) => entry.record.iteration === fact.iteration);
    files.push(await writeJsonl(runFolder, iterationPath(fact.iteration), lines, spool));
  }
  files.push(await writeJsonl(runFolder, RELEASE_PATHS.conversations, work.accepted, spool));
  files.push(await writeJsonl(runFolder, RELEASE_PATHS.rejected, work.rejected, spool));

  const splits: Record<SpcSplit, WorkRecord<AcceptedSummary>[]> = { train: [], valid: [], test: [] };
  for (const entry of work.accepted) splits[spcSplitOf(entry.record.id, fractions)].push(entry);
  await mkdir(path.join(runFolder, RELEASE_PATHS.spcFolder), { recursive: true });
  for (const split of SPC_SPLITS)
    files.push(await writeSpcCsv(runFolder, spcPath(split), splits[split], spool));
  return {
    files,
    splitCounts: { train: splits.train.length, valid: splits.valid.length, test: splits.test.length },
  };
}

function checkIterationsPlanned(
  runFolder: string,
  facts: readonly IterationFacts[],
  iterations: readonly number[],
): void {
  const planned = new Set(facts.map((fact) => fact.iteration));
  const unplanned = iterations.filter((iteration) => !planned.has(iteration));
  if (unplanned.length > 0) {
    throw new InputError(
      path.join(runFolder, WORK_ITERATIONS_FOLDER),
      `has records of iteration ${unplanned.join(', ')}, which the release input does not describe`,
      { code: 'RELEASE_INPUT_INVALID' },
    );
  }
}

function checkDistinctIterations(iterations: number[]): void {
  const repeated = iterations.filter((iteration, index) => iterations.indexOf(iteration) !== index);
  if (repeated.length > 0) {
    throw new InputError('release input', `iterations: iteration ${repeated[0]} is described twice`, {
      code: 'RELEASE_INPUT_INVALID',
    });
  }
}

/** Iteration, then pair id as people read it (`pair-9` before `pair-10`), then candidate, then id. */
function compareAccepted(a: WorkRecord<AcceptedSummary>, b: WorkRecord<AcceptedSummary>): number {
  const x = a.record;
  const y = b.record;
  return (
    x.iteration - y.iteration ||
    naturalCompare(x.pair, y.pair) ||
    x.candidate - y.candidate ||
    compareCodeUnits(x.id, y.id)
  );
}

/**
 * Iteration, pair, candidate (whole-pair failures first), outcome: the de-duplication key, so
 * no two lines tie.
 */
function compareRejected(a: WorkRecord<RejectedSummary>, b: WorkRecord<RejectedSummary>): number {
  const x = a.record;
  const y = b.record;
  return (
    x.iteration - y.iteration ||
    naturalCompare(x.pair, y.pair) ||
    (x.candidate ?? -1) - (y.candidate ?? -1) ||
    compareCodeUnits(x.outcome, y.outcome)
  );
}

/** JSONL from lines already serialised (and validated) when the .work files were read. */
async function writeJsonl(
  runFolder: string,
  file: string,
  lines: ReadonlyArray<WorkRecord<unknown>>,
  spool: ReleaseSpool,
): Promise<ReleaseFile> {
  const target = path.join(runFolder, ...file.split('/'));
  const writer = await AtomicFileWriter.create(target);
  try {
    for await (const text of spool.readInOrder(lines.map((entry) => entry.line)))
      await writer.write(`${text}\n`);
    await writer.commit();
  } catch (error) {
    await writer.abort();
    throw error;
  }
  return { path: file, ...(await digestFile(target)), records: lines.length };
}

async function writeSpcCsv(
  runFolder: string,
  file: string,
  lines: ReadonlyArray<WorkRecord<AcceptedSummary>>,
  spool: ReleaseSpool,
): Promise<ReleaseFile> {
  const target = path.join(runFolder, ...file.split('/'));
  const writer = await SpcCsvWriter.create(target);
  try {
    // The spool holds the validated record's JSON, so parsing it back gives that record.
    for await (const text of spool.readInOrder(lines.map((entry) => entry.line)))
      await writer.write(JSON.parse(text) as AcceptedConversation);
    await writer.commit();
  } catch (error) {
    await writer.abort();
    throw error;
  }
  return { path: file, ...(await digestFile(target)), records: lines.length };
}

/** A stage file (personas.jsonl, ...) when an earlier stage wrote it; records = non-blank lines. */
async function describeStageFile(runFolder: string, file: string): Promise<ReleaseFile | undefined> {
  const target = path.join(runFolder, file);
  try {
    if (!(await stat(target)).isFile()) return undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let records = 0;
  for await (const line of readLines(target)) if (line.text.trim() !== '') records += 1;
  return { path: file, ...(await digestFile(target)), records };
}

/**
 * Removes what an earlier attempt left that this release does not contain: files of
 * iterations no longer described, any file in the release's own folders, and temp files of
 * interrupted atomic writes beside the release files.
 */
async function removeStaleFiles(runFolder: string, keep: ReadonlySet<string>): Promise<void> {
  for (const folder of [RELEASE_PATHS.iterationsFolder, RELEASE_PATHS.spcFolder]) {
    for (const entry of await readdir(path.join(runFolder, folder), { withFileTypes: true })) {
      const file = `${folder}/${entry.name}`;
      if (!keep.has(file))
        await rm(path.join(runFolder, folder, entry.name), { recursive: true, force: true });
    }
  }
  for (const entry of await readdir(runFolder, { withFileTypes: true })) {
    if (entry.isFile() && ATOMIC_TEMP_FILE.test(entry.name))
      await rm(path.join(runFolder, entry.name), { force: true });
  }
}

/** The seed format as the run read it; `auto` without a detected format is guessed from the extension. */
function resolveSeedFormat(config: RunConfig, detected: Exclude<SeedFormat, 'auto'> | undefined): SeedFormat {
  if (detected) return detected;
  if (config.seed.format !== 'auto') return config.seed.format;
  const extension = path.extname(config.seed.path).toLowerCase();
  if (extension === '.csv') return 'spc-csv';
  if (extension === '.jsonl') return 'parley-jsonl';
  if (extension === '.txt') return 'parlai-txt';
  if (extension === '.json') return 'hf-json';
  return 'auto';
}
