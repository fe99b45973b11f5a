import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  type AcceptedConversation,
  type ExpertVerdict,
  type RejectedCandidate,
  type RunConfig,
  type Turn,
  validateRunConfig,
} from '@parley/core';
import type { IterationFacts, ReleaseInput } from '../../apps/scheduler/src/release/release-input';
import { addUsageEntry, emptyUsageSummary } from '../../apps/scheduler/src/release/usage-summary';
import { RunFolder } from '../../apps/scheduler/src/run-folder';

/**
 * Builds a run's work files the way the scheduler appends them (in the run's work folder, see
 * RunFolder) and its pairs.jsonl, for the release writer's tests and benchmark (no data file is
 * committed). Outcomes follow the pair index, so every kind of pair occurs: accepted (with
 * losing or filtered candidates), rejected, failed as a whole, failed candidate by candidate,
 * and unsettled. Every fourth pair shares a profile with the pair before it, so the split rule
 * meets groups of linked profiles.
 */
export interface SyntheticRunOptions {
  runFolder: string;
  runId: string;
  iterations: number;
  pairsPerIteration: number;
  /** @defaultValue 2 */
  candidatesPerPair?: number;
  /** @defaultValue 12 */
  turnsPerConversation?: number;
  /** Replaces generated text, e.g. with hostile strings. @defaultValue generated sentences */
  text?: (kind: 'persona' | 'turn', index: number) => string;
  /** Return the accepted records in `SyntheticRun.accepted` (a benchmark does not need them). @defaultValue true */
  keepRecords?: boolean;
}

/** What the synthetic `.work` files hold, for comparison with the release. */
export interface SyntheticRun {
  facts: IterationFacts[];
  /** Accepted conversations by iteration, as written (one per accepted pair); empty with `keepRecords: false`. */
  accepted: Map<number, AcceptedConversation[]>;
  rejectedLines: number;
  /** Per iteration: pairs accepted, rejected, failed, unsettled. */
  pairs: Map<number, { accepted: number; rejected: number; failed: number; unsettled: number }>;
}

const WORDS = [
  'garden',
  'guitar',
  'teacher',
  'ocean',
  'marathon',
  'recipe',
  'library',
  'mountain',
  'puppy',
  'coffee',
  'painting',
  'soccer',
  'novel',
  'bicycle',
  'piano',
  'travel',
  'nurse',
  'farm',
  'movie',
  'camping',
];

export async function writeSyntheticWorkFiles(options: SyntheticRunOptions): Promise<SyntheticRun> {
  const candidates = options.candidatesPerPair ?? 2;
  const turnCount = options.turnsPerConversation ?? 12;
  const folder = new RunFolder(options.runFolder).workIterationsFolder;
  await mkdir(folder, { recursive: true });
  await writeSyntheticPairs(options.runFolder, options.pairsPerIteration);
  let counter = 0;
  let poolIds: string[] = [];
  const text =
    options.text ??
    ((kind: 'persona' | 'turn', index: number) => {
      const a = WORDS[index % WORDS.length];
      const b = WORDS[(index * 7 + 3) % WORDS.length];
      return kind === 'persona'
        ? `I love my ${a} and my ${b}.`
        : `Do you like ${a}? I spent the day on ${b} number ${index}.`;
    });
  const run: SyntheticRun = { facts: [], accepted: new Map(), rejectedLines: 0, pairs: new Map() };
  for (let iteration = 1; iteration <= options.iterations; iteration++) {
    const acceptedLines: string[] = [];
    const rejectedLines: string[] = [];
    const accepted: AcceptedConversation[] = [];
    const pairs = { accepted: 0, rejected: 0, failed: 0, unsettled: 0 };
    for (let index = 0; index < options.pairsPerIteration; index++) {
      const pair = `pair-${index + 1}`;
      const base = { run: options.runId, iteration, pair };
      const conversation = (candidate: number) => {
        counter += 1;
        const turns: Turn[] = Array.from({ length: turnCount }, (_, turn) => ({
          speaker: turn % 2 === 0 ? 'user1' : 'user2',
          text: text('turn', counter * 31 + turn),
        }));
        return {
          id: `${options.runId}.${iteration}.${pair}${candidate === 0 ? '' : `.c${candidate}`}`,
          user1Persona: [0, 1, 2].map((n) => text('persona', counter * 5 + n)),
          user2Persona: [3, 4, 5].map((n) => text('persona', counter * 5 + n)),
          turns,
        };
      };
      const kind = index === options.pairsPerIteration - 1 && index > 2 ? 'unsettled' : outcomeOf(index);
      if (kind === 'unsettled') {
        pairs.unsettled += 1;
        continue;
      }
      if (kind === 'pair-failed') {
        pairs.failed += 1;
        rejectedLines.push(
          line({
            ...base,
            candidate: null,
            outcome: 'failed',
            expert: 'generate',
            reason: 'LLM error after 3 attempts',
            verdicts: [],
          }),
        );
        continue;
      }
      if (kind === 'candidates-failed' || kind === 'filtered') {
        if (kind === 'filtered') pairs.rejected += 1;
        else pairs.failed += 1;
        for (let candidate = 0; candidate < candidates; candidate++) {
          rejectedLines.push(
            kind === 'filtered'
              ? line({
                  ...base,
                  candidate,
                  outcome: 'filtered',
                  expert: 'faithfulness',
                  reason: 'contradicts user 1',
                  verdicts: verdicts(false),
                  conversation: conversation(candidate),
                })
              : line({
                  ...base,
                  candidate,
                  outcome: 'failed',
                  expert: 'critique',
                  reason: 'unparsable verdict',
                  verdicts: [],
                }),
          );
        }
        continue;
      }
      pairs.accepted += 1;
      // `toxic-first`: candidate 0 is filtered and candidate 1 wins.
      const winner = kind === 'toxic-first' && candidates > 1 ? 1 : 0;
      for (let candidate = 0; candidate < candidates; candidate++) {
        if (candidate === winner) {
          const record: AcceptedConversation = {
            ...conversation(0),
            ...base,
            candidate,
            generator: {
              model: 'sim',
              fewShotIds: [`seed-${index % 7}`, `seed-${(index + 3) % 7}`],
              temperature: 0.7,
              topK: 40,
              usage: { inputTokens: 900, outputTokens: 300 },
            },
            verdicts: [
              ...verdicts(true),
              {
                expert: 'depth',
                kind: 'ranker',
                score: 0.75,
                wins: 1,
                comparisons: 1,
                rationale: 'more detail',
              },
            ],
            judgeScore: (index % 4) / 4,
            usage: { inputTokens: 2400, outputTokens: 700 },
          };
          accepted.push(record);
          acceptedLines.push(line(record));
        } else if (kind === 'toxic-first' && candidate === 0) {
          rejectedLines.push(
            line({
              ...base,
              candidate,
              outcome: 'filtered',
              expert: 'toxicity',
              reason: 'insult',
              verdicts: [
                { expert: 'structure', kind: 'filter', passed: true, rationale: 'ok' },
                { expert: 'toxicity', kind: 'filter', passed: false, rationale: 'insult' },
              ],
            }),
          );
        } else {
          rejectedLines.push(
            line({
              ...base,
              candidate,
              outcome: 'lost-vote',
              reason: 'lost 0-1',
              verdicts: verdicts(true),
              conversation: conversation(candidate),
            }),
          );
        }
      }
    }
    await writeFile(path.join(folder, `${iteration}.accepted.jsonl`), acceptedLines.join(''));
    await writeFile(path.join(folder, `${iteration}.rejected.jsonl`), rejectedLines.join(''));
    if (options.keepRecords !== false) run.accepted.set(iteration, accepted);
    run.pairs.set(iteration, pairs);
    run.rejectedLines += rejectedLines.length;
    const previousPool = poolIds;
    poolIds = accepted.slice(0, 2).map((record) => record.id);
    run.facts.push({
      iteration,
      pairsPlanned: options.pairsPerIteration,
      startedAt: `2025-01-0${Math.min(iteration, 9)}T10:00:00.000Z`,
      finishedAt: `2025-01-0${Math.min(iteration, 9)}T11:00:00.000Z`,
      examplePoolIds: iteration === 1 ? ['seed-1', 'seed-2'] : previousPool,
    });
  }
  return run;
}

/** pairs.jsonl of `count` pairs `pair-1`… (pair 4k+1 shares its user 1 with the pair before it). */
export async function writeSyntheticPairs(runFolder: string, count: number): Promise<void> {
  const lines = Array.from({ length: count }, (_, index) => {
    const number = index + 1;
    const user1 = number % 4 === 1 && number > 1 ? `profile-${number - 1}a` : `profile-${number}a`;
    return `${JSON.stringify({
      id: `pair-${number}`,
      user1: { id: user1, attributes: [`I am profile ${user1}.`] },
      user2: { id: `profile-${number}b`, attributes: [`I am profile ${number}b.`] },
    })}\n`;
  });
  await mkdir(runFolder, { recursive: true });
  await writeFile(path.join(runFolder, 'pairs.jsonl'), lines.join(''));
}

type PairKind = 'accepted' | 'toxic-first' | 'filtered' | 'pair-failed' | 'candidates-failed';

function outcomeOf(index: number): PairKind {
  switch (index % 10) {
    case 5:
      return 'toxic-first';
    case 6:
      return 'candidates-failed';
    case 7:
      return 'pair-failed';
    case 8:
      return 'filtered';
    default:
      return 'accepted';
  }
}

function verdicts(faithful: boolean): ExpertVerdict[] {
  return [
    { expert: 'structure', kind: 'filter', passed: true, rationale: 'alternating turns' },
    { expert: 'toxicity', kind: 'filter', passed: true, rationale: 'clean' },
    {
      expert: 'faithfulness',
      kind: 'filter',
      passed: faithful,
      rationale: faithful ? 'consistent' : 'contradicts user 1',
      model: 'simulator:parley-sim',
      usage: { inputTokens: 500, outputTokens: 40 },
    },
  ];
}

function line(record: AcceptedConversation | RejectedCandidate): string {
  return `${JSON.stringify(record)}\n`;
}

/** A valid run config for synthetic runs. */
export function syntheticConfig(overrides: Record<string, unknown> = {}): RunConfig {
  return validateRunConfig({
    name: 'synthetic',
    seed: { path: 'seeds/Synthetic-Persona-Chat_test.csv', format: 'spc-csv' },
    models: {
      sim: {
        provider: 'simulator',
        model: 'parley-sim',
        baseURL: 'http://user:secret@127.0.0.1:4010/v1?key=abc',
      },
    },
    generator: { model: 'sim' },
    critic: { model: 'sim', filters: ['structure', 'toxicity', 'faithfulness'] },
    ...overrides,
  });
}

/** The release input the scheduler would pass for a synthetic run. */
export function syntheticReleaseInput(
  runFolder: string,
  runId: string,
  config: RunConfig,
  facts: IterationFacts[],
): ReleaseInput {
  const usage = emptyUsageSummary();
  addUsageEntry(usage, {
    model: 'sim',
    stage: 'generate',
    usage: { inputTokens: 9000, outputTokens: 3000 },
    calls: 10,
    costUsd: 0.012,
  });
  addUsageEntry(usage, {
    model: 'sim',
    stage: 'critique:faithfulness',
    usage: { inputTokens: 5000, outputTokens: 400 },
    calls: 10,
    cached: true,
  });
  return {
    runFolder,
    runId,
    config,
    iterations: facts,
    usage,
    timings: {
      runStartedAt: '2025-01-01T10:00:00.000Z',
      runFinishedAt: '2025-01-03T11:00:00.000Z',
      stageDurationsMs: { personas: 1200, 'iteration-1': 3_600_000 },
    },
    versions: { parley: '0.1.0', node: '20.0.0', packages: { bullmq: '6.7.0', openai: null } },
  };
}
