import { mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { type Conversation, InputError } from '@parley/core';
import {
  type CatchReport,
  DEFECT_DESCRIPTIONS,
  DEFECT_KINDS,
  type DefectKind,
  idfWeights,
  type OfflineExpertsOptions,
  type PlantedSet,
  plantDefects,
  scorePlantedSets,
  scoreUntouched,
} from '@parley/critic';
import { readSeed, writeFileAtomic } from '@parley/dataset';
import { seedTurnBounds } from '@parley/generator';
import { z } from 'zod';
import { plainTable } from '../output/plain-table';

/** What `parley critic plant` wrote, read back by `parley critic score DIR`. */
const manifestSchema = z.object({
  version: z.literal(1),
  source: z.string(),
  seed: z.number().int(),
  bounds: z.object({
    minTurnsPerSpeaker: z.number().int().positive(),
    maxTurnsPerSpeaker: z.number().int().positive(),
  }),
  untouched: z.object({
    file: z.string(),
    conversations: z.number().int().nonnegative(),
    clean: z.number().int(),
  }),
  kinds: z.array(
    z.object({
      kind: z.enum(DEFECT_KINDS),
      description: z.string(),
      file: z.string(),
      planted: z.number().int().nonnegative(),
      skipped: z.array(z.object({ id: z.string(), reason: z.string() })),
    }),
  ),
});
type PlantManifest = z.infer<typeof manifestSchema>;

const MANIFEST = 'manifest.json';
const UNTOUCHED = 'untouched.jsonl';

export interface PlantOptions {
  out: string;
  kinds: DefectKind[];
  seed: number;
  expertOptions: OfflineExpertsOptions;
}

/**
 * `parley critic plant`: the seed's conversations as they are (untouched.jsonl), then, for each
 * kind, a copy of every conversation the offline experts pass with that one defect planted
 * (<kind>.jsonl, Parley JSONL with a `defect` field), and manifest.json. Only conversations
 * every expert passes are planted into, so whatever rejects a copy caught its defect.
 */
export async function plantSeed(
  file: string,
  conversations: readonly Conversation[],
  options: PlantOptions,
): Promise<PlantManifest> {
  const bounds = seedTurnBounds(conversations);
  const turnBounds = {
    minTurnsPerSpeaker: bounds.minTurnsPerSpeaker,
    maxTurnsPerSpeaker: bounds.maxTurnsPerSpeaker,
  };
  const { clean } = await scoreUntouched(conversations, {
    bounds: turnBounds,
    expertOptions: { weights: idfWeights(conversations), ...options.expertOptions },
  });
  const sets = plantDefects(clean, { kinds: options.kinds, seed: options.seed });
  await mkdir(options.out, { recursive: true });
  await writeJsonl(path.join(options.out, UNTOUCHED), conversations);
  for (const set of sets) {
    await writeJsonl(
      path.join(options.out, `${set.kind}.jsonl`),
      set.planted.map((item) => ({
        ...item.conversation,
        defect: { kind: set.kind, source: item.sourceId, note: item.note },
      })),
    );
  }
  const manifest: PlantManifest = {
    version: 1,
    source: path.resolve(file),
    seed: options.seed,
    bounds: turnBounds,
    untouched: { file: UNTOUCHED, conversations: conversations.length, clean: clean.length },
    kinds: sets.map((set) => ({
      kind: set.kind,
      description: DEFECT_DESCRIPTIONS[set.kind],
      file: `${set.kind}.jsonl`,
      planted: set.planted.length,
      skipped: set.skipped,
    })),
  };
  await writeFileAtomic(path.join(options.out, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** True for a folder `parley critic plant` wrote. */
export async function isPlantedFolder(target: string): Promise<boolean> {
  try {
    return (await stat(target)).isDirectory() && (await stat(path.join(target, MANIFEST))).isFile();
  } catch {
    return false;
  }
}

/**
 * `parley critic score DIR` on a planted folder: the untouched conversations' rejections
 * (placeholders apart) and, per defect kind, the share of copies the offline experts caught.
 * Bounds come from the manifest and grounding weights from the untouched conversations, as
 * when the folder was planted.
 */
export async function scorePlantedFolder(
  folder: string,
  expertOptions: OfflineExpertsOptions,
): Promise<CatchReport> {
  const manifestFile = path.join(folder, MANIFEST);
  const parsed = manifestSchema.safeParse(JSON.parse(await readFile(manifestFile, 'utf8')));
  if (!parsed.success)
    throw new InputError(manifestFile, z.prettifyError(parsed.error).replaceAll('\n', '; '));
  const manifest = parsed.data;
  const untouched = await readConversations(path.join(folder, manifest.untouched.file));
  const options = {
    bounds: manifest.bounds,
    expertOptions: { weights: idfWeights(untouched), ...expertOptions },
  };
  const sets: PlantedSet[] = [];
  for (const entry of manifest.kinds) {
    const planted = await readConversations(path.join(folder, entry.file));
    sets.push({
      kind: entry.kind,
      planted: planted.map((conversation) => ({ sourceId: conversation.id, conversation, note: '' })),
      skipped: entry.skipped,
    });
  }
  return {
    bounds: manifest.bounds,
    untouched: (await scoreUntouched(untouched, options)).report,
    kinds: await scorePlantedSets(sets, options),
  };
}

/** The catch-rate table: one row per kind, with its target and the experts that caught it. */
export function formatCatchReport(folder: string, report: CatchReport): string {
  const percent = (value: number) => (Number.isNaN(value) ? '-' : `${(100 * value).toFixed(1)}%`);
  const table = plainTable(['defect', 'planted', 'caught', 'target', 'caught by']);
  for (const kind of report.kinds) {
    const by = Object.entries(kind.byExpert)
      .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))
      .map(([expert, count]) => `${expert} ${count}`)
      .join(', ');
    table.push([
      kind.kind,
      String(kind.planted),
      `${percent(kind.share)} (${kind.caught})`,
      kind.target === undefined ? '-' : `≥ ${percent(kind.target)}`,
      by || '-',
    ]);
  }
  const { untouched } = report;
  const by = Object.entries(untouched.byExpert)
    .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))
    .map(([expert, count]) => `${expert} ${count}`)
    .join(', ');
  return [
    `${folder}: turn bounds ${report.bounds.minTurnsPerSpeaker}–${report.bounds.maxTurnsPerSpeaker} per speaker`,
    table.toString(),
    `untouched: ${untouched.total} conversations; rejected for other reasons than unfilled placeholders ${percent(untouched.rejectionRate)} (${untouched.rejected}: ${by || 'none'}); ` +
      `${untouched.placeholderOnly} only for placeholders; ${untouched.clean} passed every expert`,
    '',
  ].join('\n');
}

async function readConversations(file: string): Promise<Conversation[]> {
  const { records } = await readSeed(file, { format: 'parley-jsonl' }).collect();
  return records.map((record) => record.conversation);
}

function writeJsonl(file: string, records: readonly unknown[]): Promise<void> {
  return writeFileAtomic(file, records.map((record) => `${JSON.stringify(record)}\n`).join(''));
}
