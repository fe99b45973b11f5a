import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  type AcceptedConversation,
  InputError,
  type ReleaseSplit,
  type RunConfig,
  type SeedFormat,
} from '@parley/core';
import { AtomicFileWriter, SpcCsvWriter, writeFileAtomic } from '@parley/dataset';
import { RunFolder } from '../run-folder';
import { compareCodeUnits, fingerprintOf } from './canonical-json';
import { renderDatasetCard } from './dataset-card';
import { digestFile } from './file-digest';
import { naturalCompare } from './natural-compare';
import {
  PARQUET_ROWS_PER_SHARD,
  parquetShardCount,
  parquetShardPath,
  writeParquetShard,
} from './parquet-shards';
import { SPLIT_ORDER, SPLIT_RULE } from './profile-splits';
import {
  describeSeed,
  type Provenance,
  promptTemplateVersions,
  readGitCommit,
  readStageStatistics,
  summariseEvaluation,
} from './provenance';
import { publicConfig, publicModels, publicUrl } from './public-config';
import { readLines } from './read-lines';
import {
  type AcceptedSummary,
  type LineAnnotator,
  type RejectedSummary,
  readWorkRecords,
  type WorkRecord,
  type WorkRecords,
} from './read-work-records';
import {
  type IterationFacts,
  type ReleaseInput,
  type ReleaseModel,
  releaseInputSchema,
} from './release-input';
import { iterationPath, RELEASE_PATHS, STAGE_FILES, spcPath } from './release-layout';
import {
  MANIFEST_FILE,
  RELEASE_FORMAT,
  RELEASE_FORMAT_VERSION,
  type ReleaseFile,
  type ReleaseManifest,
  releaseManifestSchema,
} from './release-manifest';
import { type PairUsage, ReleasePairs } from './release-pairs';
import { ReleaseSpool } from './release-spool';
import { computeReleaseStatistics } from './release-statistics';

/** Problems the manifest lists; the rest are counted. */
const MAX_MANIFEST_PROBLEMS = 50;

/** The hidden temp files of @parley/dataset's atomic writers (`.<name>.<pid>.<random>.tmp`). */
const ATOMIC_TEMP_FILE = /^\..+\.\d+\.[0-9a-f]+\.tmp$/;

/** Released conversations per split, and those in no split. */
export type SplitCounts = Record<ReleaseSplit | 'excluded', number>;

/**
 * Writes a run's release from its work files (see RunFolder) and what the scheduler knows:
 * `iterations/<n>.jsonl`, `conversations.jsonl`, `rejected.jsonl` (every line with its split and
 * profile ids), Parquet shards per split under `data/`, `spc/<split>.csv` for non-empty splits,
 * `README.md` (a dataset card with Hugging Face front matter), and last `manifest.json` with the
 * sha256 of every file. Each file is written atomically; the old manifest is removed first, so
 * until the new one lands the folder does not claim to be a complete release. Data files carry
 * no clock: writing twice from the same work files and input gives identical bytes. Memory
 * holds each record's sort keys and counts only; the lines wait in a spool file in the run's
 * work folder (see ReleaseSpool).
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
  const folder = new RunFolder(runFolder);
  const facts = [...parsed.data.iterations].sort((a, b) => a.iteration - b.iteration);
  checkDistinctIterations(facts.map((fact) => fact.iteration));

  await mkdir(runFolder, { recursive: true });
  await rm(path.join(runFolder, MANIFEST_FILE), { force: true });

  const pairs = await ReleasePairs.read(runFolder, config);
  const annotate: LineAnnotator = {
    accepted: (record, where) => ({ ...record, ...pairs.require(record.pair, where) }),
    rejected: (record, where) => ({ ...record, ...pairs.require(record.pair, where) }),
  };
  const spool = await ReleaseSpool.create(folder.workFolder);
  let work: WorkRecords;
  let data: { files: ReleaseFile[]; splitCounts: SplitCounts };
  try {
    work = await readWorkRecords(folder, runId, spool, annotate);
    checkIterationsPlanned(folder, facts, work.iterations);
    data = await writeDataFiles(runFolder, facts, work, spool);
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
  const provenance: Provenance = {
    seed: await describeSeed(config.seed.path),
    parleyCommit: await readGitCommit(),
    promptTemplates: promptTemplateVersions(config),
    stages:
      parsed.data.stageStatistics !== undefined
        ? parsed.data.stageStatistics
        : await readStageStatistics(folder.stageStatistics),
    evaluation: await summariseEvaluation(runFolder),
  };
  const warnings = releaseWarnings(pairs.usage, splitCounts, pairs.splits.excludedPairs, config);
  const card = renderDatasetCard({
    runId,
    config: shownConfig,
    models,
    seedFormat,
    versions,
    iterations: statistics.iterations,
    totals: statistics.totals,
    splitCounts,
    splitAssignment: pairs.splits,
    pairs: pairs.usage,
    provenance,
    warnings,
    ...(parsed.data.derivedFrom ? { derivedFrom: parsed.data.derivedFrom } : {}),
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
    split: {
      fractions: config.output.split,
      rule: SPLIT_RULE,
      assignment: pairs.splits,
      counts: splitCounts,
    },
    pairs: pairs.usage,
    provenance,
    warnings,
    ...(parsed.data.derivedFrom ? { derivedFrom: parsed.data.derivedFrom } : {}),
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

/** What a user of the data should know before training on it, each with its count. */
function releaseWarnings(
  usage: PairUsage,
  counts: SplitCounts,
  excludedPairs: number,
  config: RunConfig,
): string[] {
  const warnings: string[] = [];
  if (usage.repeatedWithinIteration > 0) {
    warnings.push(
      `pairs.jsonl holds ${usage.unique} pairs for ${usage.perIteration} planned per iteration: ` +
        `${usage.repeatedWithinIteration} planned pairs repeat a pair of their own iteration ` +
        '(ids ending -rN; `profilePair` names the pair in pairs.jsonl)',
    );
  }
  if (counts.excluded > 0) {
    warnings.push(
      `${counts.excluded} conversations (of ${excludedPairs} pairs) are in no split: ` +
        'their two profiles were assigned to different splits',
    );
  }
  const fractions = {
    train: config.output.split.train,
    validation: config.output.split.valid,
    test: config.output.split.test,
  };
  for (const split of SPLIT_ORDER) {
    if (fractions[split] > 0 && counts[split] === 0)
      warnings.push(`the ${split} split is empty although the config gives it ${fractions[split]}`);
  }
  return warnings;
}

/**
 * The JSONL, Parquet and SPC CSV files, from the spooled lines: one file per iteration,
 * conversations.jsonl, rejected.jsonl, and per non-empty split its Parquet shards and SPC CSV.
 * Sorts `work` in place.
 */
async function writeDataFiles(
  runFolder: string,
  facts: readonly IterationFacts[],
  work: WorkRecords,
  spool: ReleaseSpool,
): Promise<{ files: ReleaseFile[]; splitCounts: SplitCounts }> {
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

  const splits: Record<ReleaseSplit, WorkRecord<AcceptedSummary>[]> = { train: [], validation: [], test: [] };
  let excluded = 0;
  for (const entry of work.accepted) {
    if (entry.record.split) splits[entry.record.split].push(entry);
    else excluded += 1;
  }
  await mkdir(path.join(runFolder, RELEASE_PATHS.spcFolder), { recursive: true });
  await mkdir(path.join(runFolder, RELEASE_PATHS.dataFolder), { recursive: true });
  for (const split of SPLIT_ORDER) {
    // An empty split gets no file: an empty CSV or Parquet file breaks `datasets` loaders.
    if (splits[split].length === 0) continue;
    files.push(await writeSpcCsv(runFolder, spcPath(split), splits[split], spool));
    files.push(...(await writeParquetSplit(runFolder, split, splits[split], spool)));
  }
  return {
    files,
    splitCounts: {
      train: splits.train.length,
      validation: splits.validation.length,
      test: splits.test.length,
      excluded,
    },
  };
}

/** A split's Parquet shards, PARQUET_ROWS_PER_SHARD conversations each, in release order. */
async function writeParquetSplit(
  runFolder: string,
  split: ReleaseSplit,
  lines: ReadonlyArray<WorkRecord<AcceptedSummary>>,
  spool: ReleaseSpool,
): Promise<ReleaseFile[]> {
  const shards = parquetShardCount(lines.length);
  const files: ReleaseFile[] = [];
  for (let shard = 0; shard < shards; shard++) {
    const part = lines.slice(shard * PARQUET_ROWS_PER_SHARD, (shard + 1) * PARQUET_ROWS_PER_SHARD);
    const conversations: AcceptedConversation[] = [];
    for await (const text of spool.readInOrder(part.map((entry) => entry.line)))
      conversations.push(JSON.parse(text) as AcceptedConversation);
    const file = parquetShardPath(split, shard, shards);
    const target = path.join(runFolder, ...file.split('/'));
    await writeParquetShard(target, conversations);
    files.push({ path: file, ...(await digestFile(target)), records: conversations.length });
  }
  return files;
}

function checkIterationsPlanned(
  folder: RunFolder,
  facts: readonly IterationFacts[],
  iterations: readonly number[],
): void {
  const planned = new Set(facts.map((fact) => fact.iteration));
  const unplanned = iterations.filter((iteration) => !planned.has(iteration));
  if (unplanned.length > 0) {
    throw new InputError(
      folder.workIterationsFolder,
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
  for (const folder of [RELEASE_PATHS.iterationsFolder, RELEASE_PATHS.spcFolder, RELEASE_PATHS.dataFolder]) {
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
