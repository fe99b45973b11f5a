import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AcceptedConversation, ExpertVerdict, RejectedCandidate } from '@parley/core';
import { RunFolder } from '../../apps/scheduler/src/run-folder';

// Records as the release writer and the scheduler write them, for tests of what reads them
// (the conversation browser, the rejection reasons).

const FILTERS = ['structure', 'grounding', 'toxicity'] as const;

/** Filter verdicts: every filter passes up to `failing`, which fails with `rationale`; later ones never ran. */
export function filterVerdicts(failing?: {
  expert: string;
  rationale: string;
  unparseable?: boolean;
}): ExpertVerdict[] {
  const verdicts: ExpertVerdict[] = [];
  for (const expert of FILTERS) {
    if (failing && expert === failing.expert) {
      verdicts.push({
        expert,
        kind: 'filter',
        passed: false,
        rationale: failing.rationale,
        ...(failing.unparseable ? { unparseable: true as const, rawOutput: '{"verdict": maybe' } : {}),
      });
      return verdicts;
    }
    verdicts.push({ expert, kind: 'filter', passed: true, score: 0.5, rationale: `${expert} fine` });
  }
  if (failing && !FILTERS.includes(failing.expert as (typeof FILTERS)[number])) {
    verdicts.push({ expert: failing.expert, kind: 'filter', passed: false, rationale: failing.rationale });
  }
  return verdicts;
}

export interface LineOptions {
  run?: string;
  iteration?: number;
  pair: string;
  candidate?: number;
  split?: 'train' | 'validation' | 'test' | null;
  user1Persona?: string[];
  turns?: AcceptedConversation['turns'];
}

export function acceptedLine(options: LineOptions & { verdicts?: ExpertVerdict[] }): AcceptedConversation {
  const run = options.run ?? 'run-1';
  const iteration = options.iteration ?? 1;
  const candidate = options.candidate ?? 0;
  return {
    id: `${run}.${iteration}.${options.pair}.${candidate}`,
    user1Persona: options.user1Persona ?? ['I keep bees.', 'I live by the sea.'],
    user2Persona: ['I study architecture.', 'I drink coffee.'],
    turns: options.turns ?? [
      { speaker: 'user1', text: 'Hello there, do you like honey?' },
      { speaker: 'user2', text: 'I do, with my coffee.' },
    ],
    run,
    iteration,
    pair: options.pair,
    candidate,
    generator: {
      model: 'simulator:parley-sim-1',
      fewShotIds: [],
      usage: { inputTokens: 10, outputTokens: 5 },
    },
    verdicts: [
      ...(options.verdicts ?? filterVerdicts()),
      { expert: 'judge', kind: 'ranker', score: 0.75, rationale: 'selected: won 4 of 5 policies' },
    ],
    judgeScore: 0.75,
    usage: { inputTokens: 100, outputTokens: 40 },
    ...(options.split !== undefined ? { split: options.split } : {}),
  };
}

export function rejectedLine(
  options: LineOptions & {
    outcome?: RejectedCandidate['outcome'];
    expert?: string;
    reason: string;
    unparseable?: boolean;
  },
): RejectedCandidate {
  const run = options.run ?? 'run-1';
  const iteration = options.iteration ?? 1;
  const candidate = options.candidate ?? 1;
  const outcome = options.outcome ?? 'filtered';
  const verdicts =
    outcome === 'filtered' && options.expert
      ? filterVerdicts({
          expert: options.expert,
          rationale: options.reason,
          unparseable: options.unparseable,
        })
      : filterVerdicts();
  return {
    run,
    iteration,
    pair: options.pair,
    candidate: outcome === 'failed' ? null : candidate,
    outcome,
    ...(options.expert ? { expert: options.expert } : {}),
    reason: options.reason,
    verdicts: outcome === 'failed' ? [] : verdicts,
    ...(outcome === 'failed'
      ? {}
      : {
          conversation: {
            id: `${run}.${iteration}.${options.pair}.${candidate}`,
            user1Persona: options.user1Persona ?? ['I keep bees.', 'I live by the sea.'],
            user2Persona: ['I study architecture.', 'I drink coffee.'],
            turns: options.turns ?? [
              { speaker: 'user1', text: 'Hi.' },
              { speaker: 'user2', text: 'Hi.' },
            ],
          },
        }),
    ...(options.split !== undefined ? { split: options.split } : {}),
  };
}

function jsonl(records: readonly unknown[]): string {
  return records.map((record) => `${JSON.stringify(record)}\n`).join('');
}

/** A released run folder: manifest (its presence is what marks a release), both JSONL files, iterations/<n>.jsonl. */
export async function writeReleaseFixture(
  runFolder: string,
  accepted: readonly AcceptedConversation[],
  rejected: readonly RejectedCandidate[],
): Promise<void> {
  await mkdir(path.join(runFolder, 'iterations'), { recursive: true });
  await writeFile(path.join(runFolder, 'manifest.json'), '{"complete": true}\n');
  await writeFile(path.join(runFolder, 'conversations.jsonl'), jsonl(accepted));
  await writeFile(path.join(runFolder, 'rejected.jsonl'), jsonl(rejected));
  const iterations = [...new Set(accepted.map((record) => record.iteration))];
  for (const iteration of iterations) {
    await writeFile(
      path.join(runFolder, 'iterations', `${iteration}.jsonl`),
      jsonl(accepted.filter((record) => record.iteration === iteration)),
    );
  }
}

/** Appends lines to a run's work files (`<out>/.parley-work/<run>/iterations/<n>.{accepted,rejected}.jsonl`). */
export async function appendWorkLines(
  runFolder: string,
  iteration: number,
  kind: 'accepted' | 'rejected',
  records: readonly unknown[],
  tail = '',
): Promise<string> {
  const folder = new RunFolder(runFolder);
  await mkdir(folder.workIterationsFolder, { recursive: true });
  const file = kind === 'accepted' ? folder.acceptedLines(iteration) : folder.rejectedLines(iteration);
  await appendFile(file, jsonl(records) + tail);
  return file;
}
