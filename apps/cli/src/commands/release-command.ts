import { stat } from 'node:fs/promises';
import path from 'node:path';
import {
  type AcceptedConversation,
  createRedisConnection,
  InputError,
  keyPrefix,
  RunStore,
  speakerLabel,
  TERMINAL_STATUSES,
} from '@parley/core';
import {
  collect,
  createRunReleaser,
  EXPORT_FORMATS,
  type ExportFormat,
  exportRelease,
  filterRelease,
  type ReleaseFilter,
  type ReleaseManifest,
  RunFolder,
  readReleaseConversations,
  readReleaseManifest,
  releaseFilterSchema,
  unitHash,
  verifyRelease,
} from '@parley/scheduler';
import { type Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { parseFraction, parseInteger, parsePositiveInteger } from '../options/number-options';

/**
 * `parley release ...`: look inside a release (`show`, `sample`), check it (`verify`), make a
 * new verified release from it (`filter`), write it in other formats (`export`), and finalise a
 * cancelled or partial run from what was paid for (`finalize`). A release is named by its
 * folder or by its run id (looked up in Redis). User errors exit 2 with one line.
 */
export function registerReleaseCommands(program: Command): void {
  const release = program
    .command('release')
    .description('Inspect, check, filter, export and finalise releases')
    // Before the sub-commands exist, so they inherit it: a bad argument is a user error, exit 2.
    .exitOverride((error) => {
      throw error.exitCode === 1 ? new CommanderError(2, error.code, error.message) : error;
    });

  release
    .command('show')
    .argument('<release>', 'release folder or run id')
    .description('Summarise a release: counts, splits, warnings, provenance')
    .option('--json', 'print the manifest as JSON')
    .action(async (name: string, options: { json?: boolean }) => {
      const folder = await resolveRelease(name);
      const manifest = await readReleaseManifest(folder);
      process.stdout.write(
        options.json ? `${JSON.stringify(manifest, null, 2)}\n` : `${describeRelease(folder, manifest)}\n`,
      );
    });

  release
    .command('sample')
    .argument('<release>', 'release folder or run id')
    .argument('<count>', 'how many conversations', parsePositiveInteger)
    .description('Pretty-print conversations picked at random (the same ones for the same --seed)')
    .option('--split <split>', 'only this split (train, validation, test)', parseSplit)
    .option('--seed <integer>', 'which sample', parseInteger, 1)
    .action(async (name: string, count: number, options: { split?: string; seed: number }) => {
      const folder = await resolveRelease(name);
      await readReleaseManifest(folder);
      const pool = (await collect(readReleaseConversations(folder))).filter(
        (conversation) => !options.split || conversation.split === options.split,
      );
      const picked = [...pool]
        .sort((a, b) => unitHash(`${options.seed}:${a.id}`) - unitHash(`${options.seed}:${b.id}`))
        .slice(0, count);
      process.stdout.write(
        picked.length === 0
          ? 'no conversation matches\n'
          : `${picked.map(formatConversation).join('\n\n')}\n`,
      );
    });

  release
    .command('verify')
    .argument('<release>', 'release folder or run id')
    .description('Check every file against the manifest (sha256, size, lines), the splits and the pairs')
    .action(async (name: string) => {
      const folder = await resolveRelease(name);
      const result = await verifyRelease(folder);
      if (result.ok) {
        process.stdout.write(`${folder}: verified\n`);
        return;
      }
      for (const problem of result.problems) process.stderr.write(`${problem}\n`);
      throw new InputError(
        folder,
        `does not verify (${result.problems.length} problem${result.problems.length === 1 ? '' : 's'})`,
      );
    });

  release
    .command('filter')
    .argument('<release>', 'release folder or run id')
    .requiredOption('--out <folder>', 'the new release folder (must not exist, or be empty)')
    .option('--min-score <score>', 'keep conversations with a judge score of at least this', parseFraction)
    .option(
      '--passed <experts>',
      'keep conversations these filter experts passed (comma-separated)',
      parseList,
    )
    .option('--iteration <numbers>', 'keep these iterations (comma-separated)', parseNumbers)
    .option('--split <splits>', 'keep these splits (comma-separated: train, validation, test)', parseSplits)
    .description('Write a new, verified release with the conversations that pass every condition')
    .action(
      async (
        name: string,
        options: {
          out: string;
          minScore?: number;
          passed?: string[];
          iteration?: number[];
          split?: string[];
        },
      ) => {
        const folder = await resolveRelease(name);
        const filter: ReleaseFilter = releaseFilterSchema.parse({
          ...(options.minScore === undefined ? {} : { minJudgeScore: options.minScore }),
          ...(options.passed ? { expertsPassed: options.passed } : {}),
          ...(options.iteration ? { iterations: options.iteration } : {}),
          ...(options.split ? { splits: options.split } : {}),
        });
        const { manifest, verification } = await filterRelease(folder, options.out, filter);
        if (!verification.ok)
          throw new InputError(options.out, `written but does not verify: ${verification.problems[0]}`);
        process.stdout.write(`${path.resolve(options.out)}: ${describeCounts(manifest)} (verified)\n`);
      },
    );

  release
    .command('export')
    .argument('<release>', 'release folder or run id')
    .addOption(
      new Option('--format <format>', 'chat, dpo, spc or parquet')
        .choices(EXPORT_FORMATS)
        .makeOptionMandatory(),
    )
    .requiredOption('--out <folder>', 'folder to write into (outside the release)')
    .addOption(
      new Option('--assistant <speaker>', 'chat: whose turns are assistant messages')
        .choices(['user1', 'user2'])
        .default('user2'),
    )
    .description('Write a release as chat messages, DPO preference pairs, SPC CSV or Parquet, per split')
    .action(
      async (name: string, options: { format: ExportFormat; out: string; assistant: 'user1' | 'user2' }) => {
        const folder = await resolveRelease(name);
        const files = await exportRelease(folder, options.out, options.format, {
          assistant: options.assistant,
        });
        if (files.length === 0) process.stdout.write('nothing to export\n');
        for (const file of files)
          process.stdout.write(`${path.join(options.out, file.path)}: ${file.records} records\n`);
      },
    );

  release
    .command('finalize')
    .argument('<run>', 'run id (its state is read from Redis)')
    .description('Write the release of a cancelled or partial run from what was paid for')
    .action(async (runId: string) => {
      await withStore(async (store, redis) => {
        const run = await store.getRun(runId);
        if (!run) throw new InputError(runId, 'no such run in Redis (see `parley runs`)');
        if (!TERMINAL_STATUSES.has(run.status) && run.status !== 'releasing')
          throw new InputError(
            runId,
            `is ${run.status}: cancel it first (\`parley cancel ${runId}\`), or let it finish`,
          );
        const config = await store.getConfig(runId);
        await createRunReleaser({ store, redis })(run, config, new RunFolder(run.runFolder));
        const manifest = await readReleaseManifest(run.runFolder);
        process.stdout.write(`${run.runFolder}: ${describeCounts(manifest)}\n`);
      });
    });
}

/** A folder holding a manifest, or a run id whose folder Redis knows. */
async function resolveRelease(name: string): Promise<string> {
  if (await isFolder(name)) return path.resolve(name);
  // Run ids are letters, digits, - and _: anything else was meant as a folder.
  if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new InputError(name, 'no such release folder');
  const run = await withStore(async (store) => store.getRun(name));
  if (!run) throw new InputError(name, 'is neither a release folder nor a run id in Redis');
  return run.runFolder;
}

async function isFolder(name: string): Promise<boolean> {
  try {
    return (await stat(name)).isDirectory();
  } catch {
    return false;
  }
}

async function withStore<T>(
  body: (store: RunStore, redis: ReturnType<typeof createRedisConnection>) => Promise<T>,
): Promise<T> {
  const redis = createRedisConnection();
  redis.on('error', () => {});
  try {
    return await body(new RunStore(redis, keyPrefix()), redis);
  } finally {
    redis.disconnect();
  }
}

export function describeCounts(manifest: ReleaseManifest): string {
  const counts = manifest.split.counts;
  return (
    `${manifest.totals.candidates.accepted} conversations (train ${counts.train}, validation ${counts.validation}, test ${counts.test}` +
    `${counts.excluded > 0 ? `, in no split ${counts.excluded}` : ''})`
  );
}

/** The summary `parley release show` prints. */
export function describeRelease(folder: string, manifest: ReleaseManifest): string {
  const totals = manifest.totals;
  const lines = [
    `${folder}: release of run ${manifest.runId}${manifest.derivedFrom ? ` (${manifest.derivedFrom.operation} of ${manifest.derivedFrom.release}: ${manifest.derivedFrom.description})` : ''}`,
    `  ${describeCounts(manifest)}`,
    `  pairs planned ${totals.pairsPlanned}: accepted ${totals.accepted}, rejected ${totals.rejected}, failed ${totals.failed}, unsettled ${totals.unsettled}`,
    `  iterations ${manifest.iterations.map((entry) => `${entry.iteration}: ${entry.accepted}/${entry.pairsPlanned}`).join(', ')}`,
    `  mean judge score ${totals.meanJudgeScore === null ? '–' : totals.meanJudgeScore.toFixed(3)}, cost $${manifest.usage.total.costUsd.toFixed(4)}`,
    `  seed ${manifest.provenance.seed.file} (sha256 ${manifest.provenance.seed.sha256 ?? 'unknown'}), Parley ${manifest.versions.parley} at ${manifest.provenance.parleyCommit}`,
    ...manifest.warnings.map((warning) => `  warning: ${warning}`),
  ];
  return lines.join('\n');
}

/** One conversation, as people read it. */
export function formatConversation(conversation: AcceptedConversation): string {
  const verdicts = conversation.verdicts
    .map((verdict) => `${verdict.expert}${verdict.passed === undefined ? '' : verdict.passed ? ' ✓' : ' ✗'}`)
    .join(', ');
  return [
    `── ${conversation.id} (${conversation.split ?? 'no split'}, iteration ${conversation.iteration}, judge ${conversation.judgeScore.toFixed(2)})`,
    `User 1 persona: ${conversation.user1Persona.join(' ')}`,
    `User 2 persona: ${conversation.user2Persona.join(' ')}`,
    ...conversation.turns.map((turn) => `  ${turn.speaker ? speakerLabel(turn.speaker) : '—'}: ${turn.text}`),
    `verdicts: ${verdicts}`,
  ].join('\n');
}

const SPLITS = ['train', 'validation', 'test'];

function parseSplit(value: string): string {
  if (!SPLITS.includes(value)) throw new InvalidArgumentError(`expected one of ${SPLITS.join(', ')}`);
  return value;
}

function parseSplits(value: string): string[] {
  return parseList(value).map(parseSplit);
}

function parseList(value: string): string[] {
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  if (items.length === 0) throw new InvalidArgumentError('expected a comma-separated list');
  return items;
}

function parseNumbers(value: string): number[] {
  return parseList(value).map((item) => parsePositiveInteger(item));
}
