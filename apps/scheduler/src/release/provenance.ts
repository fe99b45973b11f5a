import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunConfig } from '@parley/core';
import { type EvaluationReport, readEvaluationReport } from '@parley/evaluation';
import {
  buildBootstrapPersonaPrompt,
  buildBootstrapQueryPrompt,
  buildConsistencyPrompt,
  buildGeneratorPrompt,
  buildInduceQueryPrompt,
} from '@parley/generator';
import { z } from 'zod';
import { digestFile } from './file-digest';

/** Where the release's inputs came from, for the manifest and the card. */
export const provenanceSchema = z.object({
  seed: z.object({
    /** The file name only: an absolute path says nothing to a reader and can leak a home folder. */
    file: z.string(),
    /** null when the seed could not be read when the release was written. */
    bytes: z.number().int().nonnegative().nullable(),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .nullable(),
  }),
  /** Commit of the Parley checkout that wrote the release, from `.git`; "unknown" without one. */
  parleyCommit: z.string().min(1),
  /**
   * Prompt template name to a fingerprint (first 16 hex digits of the sha256 of the template
   * rendered for a fixed probe input): it changes whenever the template's wording does.
   */
  promptTemplates: z.record(z.string(), z.string()),
  /** What stages 1–3 (or the seed-pairs mode) did, counted by reason; null when not recorded. */
  stages: z.record(z.string(), z.unknown()).nullable(),
  /** eval.json summarised, when the run folder had one as the release was written. */
  evaluation: z
    .object({
      judge: z.string().nullable(),
      reference: z.string().nullable(),
      iterations: z.array(
        z.object({
          iteration: z.number().int().positive(),
          conversations: z.number().int().nonnegative(),
          losingRate: z.number().nullable(),
          faithfulnessF1: z.number().nullable(),
          distinct2: z.number().nullable(),
          grounding: z.number().nullable(),
          nearDuplicateRate: z.number().nullable(),
        }),
      ),
    })
    .nullable(),
});
export type Provenance = z.infer<typeof provenanceSchema>;

/** The seed file's size and sha256, streamed; nulls when it cannot be read. */
export async function describeSeed(seedPath: string): Promise<Provenance['seed']> {
  try {
    const digest = await digestFile(seedPath);
    return { file: path.basename(seedPath), bytes: digest.bytes, sha256: digest.sha256 };
  } catch {
    return { file: path.basename(seedPath), bytes: null, sha256: null };
  }
}

/**
 * The commit checked out in the nearest `.git` above `from` (a folder, or a `gitdir:` file of a
 * worktree), read from HEAD, the ref file or packed-refs. Reads files only: no git process
 * that could hang or prompt. "unknown" when there is no repository.
 */
export async function readGitCommit(from = path.dirname(fileURLToPath(import.meta.url))): Promise<string> {
  for (let folder = path.resolve(from); ; folder = path.dirname(folder)) {
    const gitDir = await resolveGitDir(path.join(folder, '.git'));
    if (gitDir) return (await commitIn(gitDir)) ?? 'unknown';
    if (path.dirname(folder) === folder) return 'unknown';
  }
}

async function resolveGitDir(candidate: string): Promise<string | undefined> {
  try {
    const info = await stat(candidate);
    if (info.isDirectory()) return candidate;
    const text = await readFile(candidate, 'utf8');
    const match = /^gitdir:\s*(.+)$/m.exec(text);
    return match ? path.resolve(path.dirname(candidate), (match[1] as string).trim()) : undefined;
  } catch {
    return undefined;
  }
}

const COMMIT = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

async function commitIn(gitDir: string): Promise<string | undefined> {
  const head = (await readText(path.join(gitDir, 'HEAD')))?.trim();
  if (!head) return undefined;
  if (COMMIT.test(head)) return head;
  const ref = /^ref:\s*(\S+)$/.exec(head)?.[1];
  if (!ref || ref.split('/').includes('..')) return undefined;
  // A worktree keeps its refs in the common folder named by `commondir`.
  const common = (await readText(path.join(gitDir, 'commondir')))?.trim();
  const folders = [gitDir, ...(common ? [path.resolve(gitDir, common)] : [])];
  for (const folder of folders) {
    const loose = (await readText(path.join(folder, ...ref.split('/'))))?.trim();
    if (loose && COMMIT.test(loose)) return loose;
    const packed = await readText(path.join(folder, 'packed-refs'));
    for (const line of packed?.split('\n') ?? []) {
      const [commit, name] = line.trim().split(' ');
      if (name === ref && commit && COMMIT.test(commit)) return commit;
    }
  }
  return undefined;
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

const PROBE_PERSONA = ['I have a dog.', 'I like to hike.'];
const PROBE_CONVERSATION = {
  id: 'probe',
  user1Persona: PROBE_PERSONA,
  user2Persona: ['I am a nurse.'],
  turns: [
    { speaker: 'user1' as const, text: 'Hi there.' },
    { speaker: 'user2' as const, text: 'Hello!' },
  ],
};

/** Fingerprints of the prompt templates the scheduler's stages use (see {@link provenanceSchema}). */
export function promptTemplateVersions(config: RunConfig): Record<string, string> {
  const generator = config.generator;
  const rendered: Record<string, unknown> = {
    generator: buildGeneratorPrompt({
      examples: [PROBE_CONVERSATION],
      pair: {
        id: 'probe',
        user1: { id: 'probe-1', attributes: PROBE_PERSONA },
        user2: { id: 'probe-2', attributes: ['I am a nurse.'] },
      },
      minTurnsPerSpeaker: generator.minTurnsPerSpeaker,
      maxTurnsPerSpeaker: generator.maxTurnsPerSpeaker,
    }),
    'personas:induce-query': buildInduceQueryPrompt({ cluster: 0, attributes: PROBE_PERSONA }),
    'personas:bootstrap-query': buildBootstrapQueryPrompt({ examples: ['What do you do for fun?'] }),
    'personas:bootstrap-persona': buildBootstrapPersonaPrompt({
      query: 'What pets do you have?',
      persona: PROBE_PERSONA,
    }),
    'personas:consistency': buildConsistencyPrompt({ first: 'I have a dog.', second: 'I have no pets.' }),
  };
  return Object.fromEntries(
    Object.entries(rendered).map(([name, messages]) => [
      name,
      createHash('sha256').update(JSON.stringify(messages)).digest('hex').slice(0, 16),
    ]),
  );
}

/** The stage statistics file prepare wrote, or null. */
export async function readStageStatistics(file: string): Promise<Record<string, unknown> | null> {
  const text = await readText(file);
  if (text === undefined) return null;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** eval.json of `runFolder`, summarised per iteration; null without one (or an unreadable one). */
export async function summariseEvaluation(runFolder: string): Promise<Provenance['evaluation']> {
  let report: EvaluationReport | undefined;
  try {
    report = await readEvaluationReport(runFolder);
  } catch {
    return null;
  }
  if (!report) return null;
  return {
    judge: report.judge,
    reference: report.reference === null ? null : path.basename(report.reference),
    iterations: report.iterations.map((entry) => ({
      iteration: entry.iteration,
      conversations: entry.conversations,
      losingRate: entry.losingRate,
      faithfulnessF1: entry.faithfulness?.f1 ?? null,
      distinct2: entry.offline.distinct2,
      grounding: entry.offline.grounding,
      nearDuplicateRate: entry.offline.nearDuplicateRate,
    })),
  };
}
