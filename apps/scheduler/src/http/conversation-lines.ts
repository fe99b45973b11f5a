import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  type AcceptedConversation,
  acceptedConversationSchema,
  type RejectedCandidate,
  rejectedCandidateSchema,
} from '@parley/core';
import type { z } from 'zod';
import { naturalCompare } from '../release/natural-compare';
import { readLines } from '../release/read-lines';
import { rejectedKey } from '../release/read-work-records';
import { iterationPath, RELEASE_PATHS } from '../release/release-layout';
import { RunFolder } from '../run-folder';

/** One line the browser shows: an accepted conversation, or a candidate that did not win. */
export type ConversationEntry =
  | { kind: 'accepted'; record: AcceptedConversation }
  | { kind: 'rejected'; record: RejectedCandidate };

/**
 * Where a run's lines are: its release once `manifest.json` exists (the writer writes it last,
 * so its presence means every file is complete), else the work folder's per-iteration lines
 * while the run goes on, else nowhere this server can see.
 */
export type ConversationSource =
  | { kind: 'release'; folder: string }
  | { kind: 'work'; folder: RunFolder; iterations: number[] }
  | { kind: 'none' };

const WORK_FILE = /^(\d+)\.(accepted|rejected)\.jsonl$/;

export async function findConversationSource(runFolder: string): Promise<ConversationSource> {
  const manifest = await stat(path.join(runFolder, RELEASE_PATHS.manifest)).catch(() => undefined);
  if (manifest?.isFile()) return { kind: 'release', folder: runFolder };
  const folder = new RunFolder(runFolder);
  const names = await readdir(folder.workIterationsFolder).catch(() => undefined);
  if (!names) return { kind: 'none' };
  const iterations = [...new Set(names.flatMap((name) => WORK_FILE.exec(name)?.[1] ?? []).map(Number))].sort(
    (a, b) => a - b,
  );
  return { kind: 'work', folder, iterations };
}

/** What reading found besides the records: lines it could not use, and where. */
export class LineReadStats {
  /** Non-blank lines looked at (including those a pre-check skipped unparsed). */
  lines = 0;
  /** Lines that were not JSON or not a valid record (a torn last line while a writer appends). */
  unreadable = 0;
  /** Repeats of a record already shown (at-least-once delivery in the work files). */
  duplicates = 0;
  /** The first few unreadable lines, as file:line. */
  readonly locations: string[] = [];

  noteUnreadable(location: string): void {
    this.unreadable += 1;
    if (this.locations.length < 5) this.locations.push(location);
  }
}

/** Which lines to read at all: a cheap check on the raw text before it is parsed. */
export interface LineSelection {
  accepted: boolean;
  rejected: boolean;
  /** Only this iteration (files that hold others are not opened, sorted ones stop past it). */
  iteration?: number;
  /** Substrings a matching line must contain (necessary, not sufficient: the record decides). */
  mustContain: readonly string[];
}

/**
 * The run's entries in order, read lazily: a consumer that stops early reads no further (and
 * the files are closed). A release merges conversations.jsonl and rejected.jsonl, both sorted
 * by iteration and pair, so a pair's winner comes before the candidates it beat; the work
 * files give each iteration's accepted lines, then its rejected ones, in the order they
 * settled, de-duplicated as the release writer does (conversations by id, rejected lines by
 * run.iteration.pair.candidate + outcome, the first copy kept).
 */
export async function* readConversationEntries(
  source: ConversationSource,
  selection: LineSelection,
  stats: LineReadStats,
): AsyncGenerator<ConversationEntry> {
  if (source.kind === 'none') return;
  if (source.kind === 'release') {
    const accepted = selection.accepted
      ? readAccepted(
          path.join(
            source.folder,
            selection.iteration === undefined
              ? RELEASE_PATHS.conversations
              : iterationPath(selection.iteration),
          ),
          selection,
          stats,
        )
      : undefined;
    const rejected = selection.rejected
      ? readRejected(path.join(source.folder, RELEASE_PATHS.rejected), selection, stats)
      : undefined;
    yield* untilPastIteration(mergeInOrder(accepted, rejected), selection.iteration);
    return;
  }
  const seen = new Set<string>();
  for (const iteration of source.iterations) {
    if (selection.iteration !== undefined && iteration !== selection.iteration) continue;
    const files: Array<AsyncGenerator<ConversationEntry>> = [];
    if (selection.accepted)
      files.push(readAccepted(source.folder.acceptedLines(iteration), selection, stats));
    if (selection.rejected)
      files.push(readRejected(source.folder.rejectedLines(iteration), selection, stats));
    for (const entries of files) {
      for await (const entry of entries) {
        const key =
          entry.kind === 'accepted' ? `accepted|${entry.record.id}` : `rejected|${rejectedKey(entry.record)}`;
        if (seen.has(key)) {
          stats.duplicates += 1;
          continue;
        }
        seen.add(key);
        yield entry;
      }
    }
  }
}

function readAccepted(
  file: string,
  selection: LineSelection,
  stats: LineReadStats,
): AsyncGenerator<ConversationEntry> {
  return readRecords(file, acceptedConversationSchema, selection, stats, (record) => ({
    kind: 'accepted',
    record,
  }));
}

function readRejected(
  file: string,
  selection: LineSelection,
  stats: LineReadStats,
): AsyncGenerator<ConversationEntry> {
  return readRecords(file, rejectedCandidateSchema, selection, stats, (record) => ({
    kind: 'rejected',
    record,
  }));
}

/**
 * The valid records of one JSONL file, streamed. A missing file is empty (not written yet); a
 * line that is not JSON or not a valid record is counted and located, never fatal: during a
 * run the last line may be half-written.
 */
async function* readRecords<T>(
  file: string,
  schema: z.ZodType<T>,
  selection: LineSelection,
  stats: LineReadStats,
  entry: (record: T) => ConversationEntry,
): AsyncGenerator<ConversationEntry> {
  const shown = shownName(file);
  let lines: AsyncGenerator<{ number: number; text: string }>;
  try {
    await stat(file);
    lines = readLines(file);
  } catch {
    return;
  }
  for await (const line of lines) {
    if (line.text.trim() === '') continue;
    stats.lines += 1;
    if (!selection.mustContain.every((part) => line.text.includes(part))) continue;
    let value: unknown;
    try {
      value = JSON.parse(line.text);
    } catch {
      stats.noteUnreadable(`${shown}:${line.number}`);
      continue;
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      stats.noteUnreadable(`${shown}:${line.number}`);
      continue;
    }
    yield entry(parsed.data);
  }
}

/** `rejected.jsonl`, `iterations/1.jsonl`, `iterations/2.accepted.jsonl`: enough to find it. */
function shownName(file: string): string {
  const parent = path.basename(path.dirname(file));
  return parent === RELEASE_PATHS.iterationsFolder ? `${parent}/${path.basename(file)}` : path.basename(file);
}

/** Release order: iteration, pair id as people read it, the winner before its candidates. */
function compareEntries(a: ConversationEntry, b: ConversationEntry): number {
  return (
    a.record.iteration - b.record.iteration ||
    naturalCompare(a.record.pair, b.record.pair) ||
    (a.kind === b.kind ? 0 : a.kind === 'accepted' ? -1 : 1) ||
    (a.record.candidate ?? -1) - (b.record.candidate ?? -1)
  );
}

/** Two sorted streams as one, read one record ahead each; both are closed when done. */
async function* mergeInOrder(
  left: AsyncGenerator<ConversationEntry> | undefined,
  right: AsyncGenerator<ConversationEntry> | undefined,
): AsyncGenerator<ConversationEntry> {
  try {
    let a = left ? await left.next() : undefined;
    let b = right ? await right.next() : undefined;
    while ((a && !a.done) || (b && !b.done)) {
      if (a && !a.done && (!b || b.done || compareEntries(a.value, b.value) <= 0)) {
        yield a.value;
        a = await left?.next();
      } else if (b && !b.done) {
        yield b.value;
        b = await right?.next();
      }
    }
  } finally {
    await left?.return(undefined);
    await right?.return(undefined);
  }
}

/** A sorted release stream stops once past the wanted iteration: the rest cannot match. */
async function* untilPastIteration(
  entries: AsyncGenerator<ConversationEntry>,
  iteration: number | undefined,
): AsyncGenerator<ConversationEntry> {
  try {
    for await (const entry of entries) {
      if (iteration !== undefined && entry.record.iteration > iteration) return;
      yield entry;
    }
  } finally {
    await entries.return(undefined);
  }
}
