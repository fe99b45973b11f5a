import { type Conversation, InputError, offlineExpertsConfigSchema } from '@parley/core';
import {
  DEFECT_DESCRIPTIONS,
  DEFECT_KINDS,
  type DefectKind,
  idfWeights,
  isDefectKind,
  OFFLINE_EXPERT_NAMES,
  type OfflineExpertName,
  type OfflineExpertSummary,
  type OfflineExpertsOptions,
  type OfflineScoreRow,
  personaGrounding,
  rocAuc,
  scoreOffline,
  swapPersonas,
} from '@parley/critic';
import { readSeed, type SeedRecord } from '@parley/dataset';
import { type Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { parseFraction, parseInteger, parsePositiveInteger } from '../options/number-options';
import { plainTable } from '../output/plain-table';
import { formatCatchReport, isPlantedFolder, plantSeed, scorePlantedFolder } from './critic-planted';

const FORMATS = ['auto', 'spc-csv', 'parlai-txt', 'hf-json', 'parley-jsonl'] as const;
const OFFLINE_DEFAULTS = offlineExpertsConfigSchema.parse({});

interface ScoreOptions {
  format: (typeof FORMATS)[number];
  experts: OfflineExpertName[];
  strict?: boolean;
  json?: boolean;
  jsonl?: boolean;
  swapPersonas?: boolean;
  auc?: boolean;
  seed: number;
  limit?: number;
  minTurns?: number;
  maxTurns?: number;
  minGrounding: number;
  minRolesMargin: number;
  maxCopied: number;
  minDistinct2: number;
  nearDuplicateThreshold: number;
}

interface PlantCommandOptions {
  out: string;
  kinds: DefectKind[];
  seed: number;
  format: (typeof FORMATS)[number];
  limit?: number;
  strict?: boolean;
}

/** The `--auc` control: grounding of true persona pairs against deranged ones. */
interface GroundingAuc {
  auc: number;
  conversations: number;
  seed: number;
}

/**
 * `parley critic score FILE|DIR`: the Critic's offline experts over any seed file, or the catch
 * rates of a folder `parley critic plant` wrote; `parley critic plant SEED --out DIR`.
 */
export function registerCriticCommands(program: Command): void {
  const critic = program.command('critic').description("Run the Critic's experts outside a run");
  critic
    .command('score')
    .argument(
      '<file>',
      'seed file (Synthetic-Persona-Chat CSV, ParlAI text, Hugging Face JSON or Parley JSONL), or a folder written by `parley critic plant`',
    )
    .description(
      'Score every conversation of a file with the offline experts (no model, no tokens); on a planted folder, the share of each defect kind caught',
    )
    .addOption(
      new Option('--format <format>', 'file format (detected from the content by default)')
        .choices(FORMATS)
        .default('auto'),
    )
    .option(
      '--experts <names>',
      `comma-separated offline experts (${OFFLINE_EXPERT_NAMES.join(', ')})`,
      parseExperts,
      [...OFFLINE_EXPERT_NAMES],
    )
    .addOption(new Option('--json', 'print the summary as JSON').conflicts('jsonl'))
    .option('--jsonl', "print one JSON line per conversation with every expert's score and verdict")
    .option('--swap-personas', "a control: score each conversation against another row's personas")
    .option('--auc', 'also score with swapped personas and print the grounding ROC AUC (true vs swapped)')
    .option('--seed <integer>', 'seed of the persona derangement', parseInteger, 1)
    .option('--limit <count>', 'read at most this many conversations', parsePositiveInteger)
    .option('--strict', 'stop at the first bad record (exit 2 with "file:line: reason")')
    .option('--min-turns <count>', 'structure: fewest turns per speaker (default 1)', parsePositiveInteger)
    .option(
      '--max-turns <count>',
      'structure: most turns per speaker (default unbounded)',
      parsePositiveInteger,
    )
    .option(
      '--min-grounding <score>',
      'grounding: lowest passing score',
      parseFraction,
      OFFLINE_DEFAULTS.minGrounding,
    )
    .option(
      '--min-roles-margin <margin>',
      'roles: lowest passing margin of own over exchanged personas',
      parseMargin,
      OFFLINE_DEFAULTS.minRolesMargin,
    )
    .option(
      '--max-copied <count>',
      'copying: most own persona sentences one speaker may copy verbatim',
      parseInteger,
      OFFLINE_DEFAULTS.maxCopiedSentences,
    )
    .option(
      '--min-distinct2 <score>',
      'repetition: lowest passing distinct-2',
      parseFraction,
      OFFLINE_DEFAULTS.minDistinct2,
    )
    .option(
      '--near-duplicate-threshold <similarity>',
      'near-duplicate: similarity to an earlier row that fails',
      parseFraction,
      OFFLINE_DEFAULTS.nearDuplicateThreshold,
    )
    .action(async (file: string, options: ScoreOptions) => {
      const output = process.stdout;
      if (await isPlantedFolder(file)) {
        const report = await scorePlantedFolder(file, expertOptions(options));
        output.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatCatchReport(file, report));
        return;
      }
      const records = await readRecords(file, options);
      const original = records.map((record) => record.conversation);
      const conversations = options.swapPersonas ? swapPersonas(original, options.seed) : original;
      const { summary } = await scoreOffline(
        conversations,
        options.experts,
        // Persona words weigh by their rarity in the file's own (true) conversations, as a run
        // weighs them by the seed's.
        { ...expertOptions(options), weights: idfWeights(original) },
        options.jsonl ? (row) => output.write(`${JSON.stringify(jsonlLine(row, records))}\n`) : undefined,
      );
      const auc = options.auc ? groundingAuc(original, options.seed) : undefined;
      const header = {
        file,
        conversations: conversations.length,
        personas: options.swapPersonas ? `swapped (seed ${options.seed})` : 'true',
      };
      if (options.json) {
        output.write(
          `${JSON.stringify({ ...header, experts: summary, ...(auc ? { groundingAuc: auc } : {}) }, null, 2)}\n`,
        );
      } else if (options.jsonl) {
        // stdout stays pure JSONL; the AUC, when asked for, goes to stderr.
        if (auc) process.stderr.write(`${formatAuc(auc)}\n`);
      } else {
        output.write(formatSummary(header, options.experts, summary, auc));
      }
    });
  registerPlantCommand(critic);
}

function expertOptions(options: ScoreOptions): OfflineExpertsOptions {
  return {
    structure: {
      ...(options.minTurns === undefined ? {} : { minTurnsPerSpeaker: options.minTurns }),
      ...(options.maxTurns === undefined ? {} : { maxTurnsPerSpeaker: options.maxTurns }),
    },
    minGrounding: options.minGrounding,
    roles: { minMargin: options.minRolesMargin },
    copying: { maxCopiedPerSpeaker: options.maxCopied },
    repetition: { minDistinct2: options.minDistinct2 },
    nearDuplicate: { threshold: options.nearDuplicateThreshold },
  };
}

function registerPlantCommand(critic: Command): void {
  critic
    .command('plant')
    .argument(
      '<seed>',
      'seed file: Synthetic-Persona-Chat CSV, ParlAI text, Hugging Face JSON or Parley JSONL',
    )
    .description(
      'Write copies of a seed with one planted defect each (one file per kind), to measure what the offline experts catch with `parley critic score DIR`',
    )
    .requiredOption('--out <dir>', 'folder for untouched.jsonl, <kind>.jsonl and manifest.json')
    .option(
      '--kinds <kinds>',
      `comma-separated defect kinds: ${DEFECT_KINDS.map((kind) => `${kind} (${DEFECT_DESCRIPTIONS[kind]})`).join('; ')}`,
      parseKinds,
      [...DEFECT_KINDS],
    )
    .option('--seed <integer>', 'seed of every random choice of the planting', parseInteger, 1)
    .addOption(
      new Option('--format <format>', 'file format (detected from the content by default)')
        .choices(FORMATS)
        .default('auto'),
    )
    .option('--limit <count>', 'read at most this many conversations', parsePositiveInteger)
    .option('--strict', 'stop at the first bad record (exit 2 with "file:line: reason")')
    .action(async (seed: string, options: PlantCommandOptions) => {
      const records = await readRecords(seed, options);
      const manifest = await plantSeed(
        seed,
        records.map((record) => record.conversation),
        { out: options.out, kinds: options.kinds, seed: options.seed, expertOptions: {} },
      );
      const lines = manifest.kinds.map(
        (kind) =>
          `  ${kind.file}: ${kind.planted} planted${kind.skipped.length > 0 ? `, ${kind.skipped.length} could not take the defect` : ''}`,
      );
      process.stdout.write(
        [
          `${options.out}: ${manifest.untouched.conversations} untouched conversations (${manifest.untouched.clean} pass every offline expert and were planted into)`,
          ...lines,
          `score it with: parley critic score ${options.out}`,
          '',
        ].join('\n'),
      );
    });
}

async function readRecords(
  file: string,
  options: Pick<ScoreOptions, 'format' | 'strict' | 'limit'>,
): Promise<SeedRecord[]> {
  try {
    const { records } = await readSeed(file, {
      format: options.format,
      mode: options.strict ? 'strict' : 'lenient',
      ...(options.limit === undefined ? {} : { limit: options.limit }),
    }).collect();
    return records;
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    process.stderr.write(`${error.message}\n`);
    throw new CommanderError(2, 'parley.critic.invalidInput', error.message);
  }
}

/** One conversation: its row (1-based, in reading order), where it starts, and every verdict. */
function jsonlLine(row: OfflineScoreRow, records: readonly SeedRecord[]) {
  const location = records[row.index]?.location;
  return {
    row: row.index + 1,
    ...(location ? { line: location.line } : {}),
    id: row.id,
    experts: Object.fromEntries(
      Object.entries(row.verdicts).map(([name, verdict]) => [
        name,
        {
          passed: verdict.passed,
          ...(verdict.score === undefined ? {} : { score: round(verdict.score) }),
          rationale: verdict.rationale,
        },
      ]),
    ),
  };
}

/** Grounding of every conversation with its own personas against a derangement of them. */
export function groundingAuc(conversations: readonly Conversation[], seed: number): GroundingAuc {
  // The grounding the expert passes on: every word, persona words weighted by rarity in the file.
  const weights = idfWeights(conversations);
  const score = (conversation: Conversation) =>
    personaGrounding(conversation, { ignoreCopies: false, weights }).score;
  const own = conversations.map(score);
  const swapped = swapPersonas(conversations, seed).map(score);
  return { auc: rocAuc(own, swapped), conversations: conversations.length, seed };
}

function formatAuc(auc: GroundingAuc): string {
  const value = Number.isNaN(auc.auc) ? 'n/a (needs 2 conversations)' : auc.auc.toFixed(4);
  return `grounding ROC AUC, true vs swapped personas (seed ${auc.seed}, ${auc.conversations} each): ${value}`;
}

/** The human-readable summary: pass rate and score distribution per expert. */
export function formatSummary(
  header: { file: string; conversations: number; personas: string },
  experts: readonly OfflineExpertName[],
  summary: Partial<Record<OfflineExpertName, OfflineExpertSummary>>,
  auc?: GroundingAuc,
): string {
  const table = plainTable(['expert', 'pass rate', 'min', 'q1', 'median', 'q3', 'mean', 'max']);
  for (const name of experts) {
    const expert = summary[name];
    if (!expert) continue;
    const scores = expert.scores;
    const cells = scores
      ? [scores.min, scores.q1, scores.median, scores.q3, scores.mean, scores.max].map((value) =>
          value.toFixed(3),
        )
      : ['-', '-', '-', '-', '-', '-'];
    table.push([name, `${(100 * expert.passRate).toFixed(1)}% (${expert.passed}/${expert.total})`, ...cells]);
  }
  const lines = [
    `${header.file}: ${header.conversations} conversations, ${header.personas} personas`,
    table.toString(),
    ...(auc ? [formatAuc(auc)] : []),
  ];
  return `${lines.join('\n')}\n`;
}

function parseKinds(value: string): DefectKind[] {
  const kinds = value
    .split(',')
    .map((kind) => kind.trim())
    .filter(Boolean);
  const unknown = kinds.filter((kind) => !isDefectKind(kind));
  if (kinds.length === 0 || unknown.length > 0) {
    throw new InvalidArgumentError(
      `${unknown.length > 0 ? `unknown defect kind ${unknown.join(', ')}; ` : ''}expected some of ${DEFECT_KINDS.join(', ')}`,
    );
  }
  return [...new Set(kinds)] as DefectKind[];
}

function parseMargin(value: string): number {
  const margin = Number(value);
  if (value.trim() === '' || !Number.isFinite(margin) || margin < -2 || margin > 2) {
    throw new InvalidArgumentError('expected a number between -2 and 2');
  }
  return margin;
}

function parseExperts(value: string): OfflineExpertName[] {
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = names.filter((name) => !(OFFLINE_EXPERT_NAMES as readonly string[]).includes(name));
  if (names.length === 0 || unknown.length > 0) {
    throw new InvalidArgumentError(
      `${unknown.length > 0 ? `unknown expert ${unknown.join(', ')}; ` : ''}expected some of ${OFFLINE_EXPERT_NAMES.join(', ')}`,
    );
  }
  return [...new Set(names)] as OfflineExpertName[];
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
