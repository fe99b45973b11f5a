import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import {
  acceptedConversationSchema,
  type Conversation,
  InputError,
  type RunConfig,
  runConfigSchema,
  type SeedConfig,
} from '@parley/core';
import { readSeed, type SeedFileFormat, type SeedReadReport } from '@parley/dataset';
import { z } from 'zod';
import type { EvaluationGroup } from './evaluate';

/** The release file `parley eval` reads: one accepted conversation a line. */
export const RELEASE_CONVERSATIONS_FILE = 'conversations.jsonl';
export const RELEASE_MANIFEST_FILE = 'manifest.json';

/** What is evaluated: a run's release folder, or any seed file (one iteration). */
export interface EvaluationTarget {
  kind: 'release' | 'seed-file';
  /** The path as resolved (absolute). */
  path: string;
  /** The run folder of a release (where eval.json goes). */
  folder: string | undefined;
  /** Run id of a release. */
  run: string | null;
  groups: EvaluationGroup[];
  /** The release's job config from manifest.json (models, seed), when the manifest is readable. */
  config: RunConfig | undefined;
  /** How reading a seed file went (skipped records, quirks). */
  seedReport: SeedReadReport | undefined;
  /** Why a release's manifest.json could not be used (then `config` is undefined). */
  manifestProblem: string | undefined;
}

export interface LoadTargetOptions {
  /** Conversations per iteration at most (the first ones in file order). @defaultValue undefined (all) */
  limit?: number;
  /** Format of a seed file. @defaultValue 'auto' */
  format?: 'auto' | SeedFileFormat;
  /** Reading mode of a seed file. @defaultValue 'lenient' */
  mode?: 'strict' | 'lenient';
}

/**
 * Reads an evaluation target. A folder with conversations.jsonl is a release: its
 * conversations are grouped by iteration and its manifest gives the job's seed and models. Any
 * other path is read as a seed file (Synthetic-Persona-Chat CSV, ParlAI text, Hugging Face JSON,
 * Parley JSONL).
 */
export async function loadEvaluationTarget(
  target: string,
  options: LoadTargetOptions = {},
): Promise<EvaluationTarget> {
  const resolved = path.resolve(target);
  const info = await stat(resolved).catch((error: NodeJS.ErrnoException) => {
    throw new InputError(target, error.code === 'ENOENT' ? 'no such file or folder' : error.message, {
      code: 'EVAL_TARGET_UNREADABLE',
      cause: error,
    });
  });
  if (info.isDirectory()) return loadRelease(resolved, options);
  const reader = readSeed(resolved, {
    format: options.format ?? 'auto',
    mode: options.mode ?? 'lenient',
    ...(options.limit === undefined ? {} : { limit: options.limit }),
  });
  const { records, report } = await reader.collect();
  return {
    kind: 'seed-file',
    path: resolved,
    folder: undefined,
    run: null,
    groups: [{ iteration: 1, conversations: records.map((record) => record.conversation) }],
    config: undefined,
    seedReport: report,
    manifestProblem: undefined,
  };
}

async function loadRelease(folder: string, options: LoadTargetOptions): Promise<EvaluationTarget> {
  const file = path.join(folder, RELEASE_CONVERSATIONS_FILE);
  const exists = await stat(file).then(
    (info) => info.isFile(),
    () => false,
  );
  if (!exists) {
    throw new InputError(
      folder,
      `not a release folder (no ${RELEASE_CONVERSATIONS_FILE}); name a run folder or a seed file`,
      {
        code: 'EVAL_TARGET_UNREADABLE',
      },
    );
  }
  const byIteration = new Map<number, Conversation[]>();
  let run: string | null = null;
  const lines = createInterface({
    input: createReadStream(file, 'utf8'),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let line = 0;
  for await (const text of lines) {
    line++;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new InputError(`${file}:${line}`, `not valid JSON (${(error as Error).message})`);
    }
    const parsed = acceptedConversationSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new InputError(`${file}:${line}`, `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    }
    const { iteration, id, user1Persona, user2Persona, turns } = parsed.data;
    run ??= parsed.data.run;
    const list = byIteration.get(iteration) ?? [];
    if (options.limit === undefined || list.length < options.limit) {
      list.push({ id, user1Persona, user2Persona, turns });
    }
    byIteration.set(iteration, list);
  }
  // A release is still worth evaluating without its manifest (given --seed): keep the problem.
  let manifest: Awaited<ReturnType<typeof readManifest>>;
  let manifestProblem: string | undefined;
  try {
    manifest = await readManifest(folder);
    if (!manifest) manifestProblem = `${path.join(folder, RELEASE_MANIFEST_FILE)}: missing`;
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    manifestProblem = error.message;
  }
  return {
    kind: 'release',
    path: folder,
    folder,
    run: manifest?.runId ?? run ?? path.basename(folder),
    groups: [...byIteration.entries()]
      .sort(([a], [b]) => a - b)
      .map(([iteration, conversations]) => ({ iteration, conversations })),
    config: manifest?.config,
    seedReport: undefined,
    manifestProblem,
  };
}

/** Only what evaluation needs from manifest.json; the scheduler owns the full schema. */
const manifestSubsetSchema = z.object({ runId: z.string().min(1), config: runConfigSchema });

/** The manifest's run id and config; undefined when it is missing, with an error when it is unreadable. */
export async function readManifest(
  folder: string,
): Promise<z.infer<typeof manifestSubsetSchema> | undefined> {
  const file = path.join(folder, RELEASE_MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new InputError(file, `cannot read the manifest (${(error as Error).message})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(file, `not valid JSON (${(error as Error).message})`);
  }
  const parsed = manifestSubsetSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError(file, `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}

/** The seed a release was made from (manifest config), as the default reference. */
export function releaseSeed(target: EvaluationTarget): SeedConfig | undefined {
  return target.config?.seed;
}

/** Every conversation of a reference seed file (any supported format). */
export async function loadReference(
  file: string,
  options: Pick<LoadTargetOptions, 'format' | 'mode'> = {},
): Promise<{ conversations: Conversation[]; report: SeedReadReport }> {
  const { records, report } = await readSeed(path.resolve(file), {
    format: options.format ?? 'auto',
    mode: options.mode ?? 'lenient',
  }).collect();
  return { conversations: records.map((record) => record.conversation), report };
}
