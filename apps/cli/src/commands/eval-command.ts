import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  ConfigError,
  createRedisConnection,
  InputError,
  keyPrefix,
  loadRunConfig,
  type RunConfig,
  validateRunConfig,
} from '@parley/core';
import {
  type EvaluationReport,
  type EvaluationTarget,
  evaluate,
  type FaithfulnessSummary,
  loadEvaluationTarget,
  loadReference,
  type OfflineMetrics,
  type TuringSummary,
  writeEvaluationReport,
} from '@parley/evaluation';
import {
  checkModels,
  createModelRegistry,
  type LanguageModel,
  type ModelRegistry,
  usageKey,
} from '@parley/llm';
import { type RunningSimulator, startSimulator } from '@parley/simulator';
import { type Command, CommanderError, Option } from 'commander';
import type { Redis } from 'ioredis';
import { findOrSpawnRedis } from '../embedded/embedded-redis';
import { parseInteger, parsePositiveInteger } from '../options/number-options';
import { plainTable } from '../output/plain-table';

const FORMATS = ['auto', 'spc-csv', 'parlai-txt', 'hf-json', 'parley-jsonl'] as const;
/** The model name the simulator judge gets in its generated job config. */
const SIMULATOR_JUDGE = 'judge';

interface EvalOptions {
  seed?: string;
  format: (typeof FORMATS)[number];
  judge?: string;
  job?: string;
  simulator?: boolean;
  limit?: number;
  json?: boolean;
  offlineOnly?: boolean;
  seedValue: number;
  concurrency: number;
  speakers: 'both' | 'one';
  write: boolean;
  progress: boolean;
}

/** `parley eval TARGET`: the paper's measurements of a release or any seed file. */
export function registerEvalCommand(program: Command): void {
  program
    .command('eval')
    .argument(
      '<target>',
      'a run folder (release) or a seed file (SPC CSV, ParlAI text, HF JSON, Parley JSONL)',
    )
    .description(
      'Measure a dataset like the paper: AI-detection (Turing) test and persona faithfulness with an LLM judge, plus offline metrics. Writes eval.json into a run folder.',
    )
    .option(
      '--seed <file>',
      "reference conversations (the human side): default the release's job seed; for a seed file, the file itself",
    )
    .addOption(
      new Option('--format <format>', 'format of a seed-file target and of --seed (detected by default)')
        .choices(FORMATS)
        .default('auto'),
    )
    .addOption(
      new Option('--judge <model>', 'judge: a model name of --job (or of the release manifest)').conflicts(
        'simulator',
      ),
    )
    .option('--job <file>', 'job file whose models: names the judge')
    .option('--simulator', 'judge with the in-process LLM simulator (demos, tests)')
    .option('--limit <count>', 'evaluate at most this many conversations per iteration', parsePositiveInteger)
    .option('--json', 'print the report as JSON')
    .addOption(
      new Option('--offline-only', 'offline metrics only (no judge, no tokens)').conflicts([
        'judge',
        'simulator',
      ]),
    )
    .option(
      '--seed-value <integer>',
      'seed of every random choice (references, statements, order)',
      parseInteger,
      1,
    )
    .option('--concurrency <count>', 'judge calls in flight at most', parsePositiveInteger, 8)
    .addOption(
      new Option('--speakers <which>', 'faithfulness questions per conversation: both speakers or one')
        .choices(['both', 'one'])
        .default('both'),
    )
    .option('--no-write', 'do not write eval.json into the run folder')
    .option('--no-progress', 'no progress line on standard error')
    .action(async (targetPath: string, options: EvalOptions) => {
      const report = await runEval(targetPath, options);
      process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatEvaluation(report));
    });
}

async function runEval(targetPath: string, options: EvalOptions): Promise<EvaluationReport> {
  if (options.judge && !options.job && !isFolder(targetPath)) {
    throw usage('--judge needs --job JOB (the job file whose models: names it)');
  }
  const target = await inputStep(() =>
    loadEvaluationTarget(targetPath, {
      format: options.format,
      ...(options.limit === undefined ? {} : { limit: options.limit }),
    }),
  );
  const wantsJudge = !options.offlineOnly && (options.simulator === true || options.judge !== undefined);
  if (!options.offlineOnly && !wantsJudge) {
    process.stderr.write(
      'parley: no judge named (--simulator, or --judge MODEL --job JOB): offline metrics only\n',
    );
  }
  const referenceSeed = referenceOf(target, options, wantsJudge);
  const reference = referenceSeed
    ? await inputStep(() => loadReference(referenceSeed.path, { format: referenceSeed.format }))
    : undefined;

  const cleanups: Array<() => Promise<void>> = [];
  try {
    let judge: LanguageModel | undefined;
    let registry: ModelRegistry | undefined;
    let redis: Redis | undefined;
    if (wantsJudge) ({ judge, registry, redis } = await openJudge(target, options, cleanups));
    const progress = options.progress && process.stderr.isTTY === true && judge !== undefined;
    const { report } = await evaluate({
      groups: target.groups,
      target: target.path,
      targetKind: target.kind,
      run: target.run,
      ...(reference ? { reference: reference.conversations, referenceLabel: referenceSeed!.path } : {}),
      ...(judge ? { judge } : {}),
      ...(registry ? { runId: registry.runId } : {}),
      seedValue: options.seedValue,
      concurrency: options.concurrency,
      speakers: options.speakers,
      limit: options.limit ?? null,
      ...(progress
        ? {
            onProgress: ({ done, total }) =>
              process.stderr.write(`\rparley: judged ${done}/${total}${done === total ? '\n' : ''}`),
          }
        : {}),
    });
    if (registry) {
      // The registry counts every call (structured-output retries too) and prices them; the
      // numbers live on in eval.json, so this evaluation leaves nothing behind in Redis.
      const { total } = await registry.usage();
      await redis?.del(usageKey(registry.prefix, registry.runId));
      report.usage = {
        calls: total.calls,
        inputTokens: total.inputTokens,
        outputTokens: total.outputTokens,
        // A cost only means something when the judge binding has a price.
        ...(total.costUsd > 0 ? { costUsd: total.costUsd } : {}),
      };
    }
    if (target.folder && options.write) {
      const file = await writeEvaluationReport(target.folder, report);
      process.stderr.write(`parley: wrote ${file}\n`);
    }
    return report;
  } finally {
    for (const cleanup of cleanups) await cleanup().catch(() => {});
  }
}

/**
 * The reference file and its format: --seed, else a release's job seed (manifest.json), else
 * none (a seed file is compared with itself). The same file as the target means "itself" too.
 */
function referenceOf(
  target: EvaluationTarget,
  options: EvalOptions,
  required: boolean,
): { path: string; format: EvalOptions['format'] } | undefined {
  if (options.seed) {
    const file = path.resolve(options.seed);
    return file === target.path ? undefined : { path: file, format: options.format };
  }
  if (target.kind === 'seed-file') return undefined;
  const seed = target.config?.seed;
  if (seed && existsSync(seed.path)) return { path: path.resolve(seed.path), format: seed.format };
  const why = seed
    ? `its seed ${seed.path} (from manifest.json) does not exist`
    : (target.manifestProblem ?? 'no seed');
  if (required) throw usage(`${target.path}: no reference conversations: ${why}; name one with --seed FILE`);
  process.stderr.write(`parley: ${why}: no seed-copy rate (name a reference with --seed FILE)\n`);
  return undefined;
}

/** The judge model behind the usual middleware (limits, retries, usage), on Redis. */
async function openJudge(
  target: EvaluationTarget,
  options: EvalOptions,
  cleanups: Array<() => Promise<void>>,
): Promise<{ judge: LanguageModel; registry: ModelRegistry; redis: Redis }> {
  let config: RunConfig;
  let name: string;
  let baseDirectory: string | undefined;
  if (options.simulator) {
    name = SIMULATOR_JUDGE;
    config = validateRunConfig(
      {
        name: 'eval',
        seed: { path: target.path },
        models: { [SIMULATOR_JUDGE]: { provider: 'simulator', model: 'parley-sim-1' } },
        generator: { model: SIMULATOR_JUDGE },
        critic: { model: SIMULATOR_JUDGE },
        simulator: { seed: options.seedValue },
      },
      'simulator judge',
    );
  } else {
    name = options.judge!;
    if (options.job) {
      config = await loadRunConfig(options.job);
      baseDirectory = path.dirname(path.resolve(options.job));
    } else if (target.config) {
      config = target.config;
    } else {
      throw usage(`--judge needs --job JOB: ${target.manifestProblem ?? 'the target has no manifest'}`);
    }
    const binding = config.models[name];
    if (!binding) {
      throw new ConfigError(
        [
          {
            path: `models.${name}`,
            message: `no model named "${name}" (known: ${Object.keys(config.models).join(', ')})`,
          },
        ],
        options.job ?? 'manifest.json',
      );
    }
    const problems = checkModels({ ...config, models: { [name]: binding } }, process.env, {
      ...(baseDirectory ? { baseDirectory } : {}),
    });
    if (problems.length > 0) throw new ConfigError(problems, options.job ?? 'manifest.json');
  }

  let simulator: RunningSimulator | undefined;
  const binding = config.models[name]!;
  if (binding.provider === 'simulator' && !binding.baseURL && !process.env.PARLEY_SIMULATOR_URL) {
    // The simulator's own text corpus: the judge's answers need no seed text.
    const { textSource: _textSource, ...settings } = config.simulator;
    simulator = await startSimulator(settings);
    cleanups.unshift(() => simulator!.close());
  }
  const redisHandle = await findOrSpawnRedis(process.env);
  cleanups.push(() => redisHandle.close());
  const redis = createRedisConnection({ url: redisHandle.url });
  cleanups.unshift(async () => void (await redis.quit().catch(() => redis.disconnect())));
  const registry = createModelRegistry({
    config,
    redis,
    runId: evalRunId(target),
    prefix: keyPrefix(),
    ...(simulator ? { simulatorUrl: simulator.url } : {}),
    ...(baseDirectory ? { baseDirectory } : {}),
  });
  return { judge: registry.languageModel(name), registry, redis };
}

/** `eval-<run or file>-<time>`: the usage, budget and limits of this evaluation. */
function evalRunId(target: EvaluationTarget): string {
  const base = (target.run ?? path.basename(target.path)).replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 120);
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  return `eval-${base}-${stamp}`;
}

/** Bad input stops with its location and exit code 2, as `parley critic score` does. */
async function inputStep<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    process.stderr.write(`parley: ${error.message}\n`);
    throw new CommanderError(2, 'parley.eval.invalidInput', error.message);
  }
}

function usage(message: string): CommanderError {
  process.stderr.write(`parley eval: ${message}\n`);
  return new CommanderError(2, 'parley.eval.usage', message);
}

function isFolder(file: string): boolean {
  try {
    return existsSync(path.join(file, 'conversations.jsonl'));
  } catch {
    return false;
  }
}

/** The terminal view: what was measured, then a judge table and an offline table. */
export function formatEvaluation(report: EvaluationReport): string {
  const rows = [
    ...report.iterations.map((iteration) => ({ label: String(iteration.iteration), ...iteration })),
    ...(report.iterations.length > 1 ? [{ label: 'overall', ...report.overall }] : []),
  ];
  const lines = [
    `${report.targetKind === 'release' ? 'release' : 'seed file'} ${report.target}${report.run ? ` (run ${report.run})` : ''}`,
    `judge: ${report.judge ?? 'none (offline metrics only)'}${report.reference ? `; reference (human side): ${report.reference}` : ''}`,
  ];
  if (report.judge) {
    const table = plainTable([
      'iteration',
      'conversations',
      'pairs',
      'lose',
      'win',
      'tie',
      'faithfulness items',
      'precision',
      'recall',
      'F1',
    ]);
    for (const row of rows) {
      table.push([
        row.label,
        row.conversations,
        ...turingCells(row.turing),
        ...faithfulnessCells(row.faithfulness),
      ]);
    }
    lines.push('AI-detection (Turing) test and persona faithfulness', table.toString());
    const notes = judgeNotes(report);
    if (notes.length > 0) lines.push(...notes);
  }
  const offline = plainTable([
    'iteration',
    'conversations',
    'distinct-1',
    'distinct-2',
    'turns/conv',
    'words/turn',
    'grounding',
    'toxic',
    'near-dup',
    'seed-copy',
  ]);
  for (const row of rows) offline.push([row.label, row.conversations, ...offlineCells(row.offline)]);
  lines.push('Offline metrics', offline.toString());
  const cost = report.usage.costUsd === undefined ? '' : `, $${report.usage.costUsd.toFixed(4)}`;
  lines.push(
    `${report.usage.calls} judge calls, ${report.usage.inputTokens} input + ${report.usage.outputTokens} output tokens${cost}, ${(report.durationMs / 1000).toFixed(1)} s`,
  );
  return `${lines.join('\n')}\n`;
}

function turingCells(turing: TuringSummary | null): Array<string | number> {
  if (!turing) return ['-', '-', '-', '-'];
  return [turing.pairs, percent(turing.losingRate), percent(turing.winningRate), percent(turing.tieRate)];
}

function faithfulnessCells(faithfulness: FaithfulnessSummary | null): Array<string | number> {
  if (!faithfulness) return ['-', '-', '-', '-'];
  return [
    faithfulness.items,
    percent(faithfulness.precision),
    percent(faithfulness.recall),
    percent(faithfulness.f1),
  ];
}

function offlineCells(offline: OfflineMetrics): string[] {
  const fixed = (value: number | null, digits: number) => (value === null ? '-' : value.toFixed(digits));
  return [
    fixed(offline.distinct1, 3),
    fixed(offline.distinct2, 3),
    fixed(offline.turnsPerConversation, 1),
    fixed(offline.wordsPerTurn, 1),
    fixed(offline.grounding, 3),
    percent(offline.toxicityRate),
    percent(offline.nearDuplicateRate),
    percent(offline.seedCopyRate),
  ];
}

/** Unusable answers and skipped conversations, and which distractors fooled the judge. */
function judgeNotes(report: EvaluationReport): string[] {
  const notes: string[] = [];
  const { turing, faithfulness } = report.overall;
  if (turing && (turing.unparseable > 0 || turing.skipped > 0)) {
    notes.push(
      `turing: ${turing.unparseable} pairs with an unusable answer, ${turing.skipped} conversations skipped (no turns or no reference)`,
    );
  }
  if (faithfulness) {
    if (faithfulness.unparseable > 0 || faithfulness.skipped > 0) {
      notes.push(
        `faithfulness: ${faithfulness.unparseable} unusable answers, ${faithfulness.skipped} speakers skipped (no persona or no turns)`,
      );
    }
    const picks = Object.entries(faithfulness.distractors)
      .map(([kind, summary]) => `${kind} ${percent(summary.pickRate)}`)
      .join(', ');
    notes.push(`distractors selected: ${picks}`);
  }
  return notes;
}

function percent(value: number | null): string {
  return value === null ? '-' : `${(100 * value).toFixed(1)}%`;
}
