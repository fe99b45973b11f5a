import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { rejectedKey } from '../release/read-work-records';
import { RELEASE_PATHS } from '../release/release-layout';
import { findConversationSource } from './conversation-lines';
import { reasonKeys } from './reason-key';

/** One normalised reason and how many rejections gave it. */
export interface RejectionReason {
  /** The normalised reason (reason-key.ts), also the browser's `reason=` filter. */
  reason: string;
  count: number;
  /** The first reason seen in full, as an example. */
  example: string;
}

/** Why one filter expert rejected candidates. */
export interface ExpertRejections {
  expert: string;
  /** Candidates this expert rejected. */
  rejections: number;
  /** The most common reasons, most common first. A rejection naming several problems counts under each. */
  reasons: RejectionReason[];
  /** Further distinct reasons not listed. */
  otherReasons: number;
}

export interface RejectionReasonsView {
  /** Where they were read: the release's rejected.jsonl, or the work folder during the run. */
  source: 'release' | 'work' | 'none';
  /** Experts with at least one rejection, most rejections first. */
  experts: ExpertRejections[];
  /** The read stopped at its byte limit: the counts cover the lines before it. */
  capped: boolean;
  /** Rejected lines counted (distinct candidates rejected by a filter). */
  counted: number;
  /** Why the files could not be read (permissions, a disk error), when they could not. */
  problem?: string;
}

export interface RejectionReasonReaderOptions {
  /** Bytes read per run, at most, over the reader's life. @defaultValue 128 MB */
  maxBytesPerRun?: number;
  /** Reasons listed per expert. @defaultValue 5 */
  topReasons?: number;
  /** Runs remembered (least recently read forgotten first). @defaultValue 200 */
  maxRuns?: number;
}

// What counting needs of a rejected line; verdicts and the conversation are not read.
const reasonLineSchema = z.object({
  run: z.string(),
  iteration: z.number().int(),
  pair: z.string(),
  candidate: z.number().int().nullable(),
  outcome: z.enum(['filtered', 'lost-vote', 'failed']),
  expert: z.string().optional(),
  reason: z.string(),
});
type ReasonLine = z.infer<typeof reasonLineSchema>;

const CHUNK_BYTES = 4 * 1024 * 1024;
const NEWLINE = 0x0a;
/** Distinct reasons kept per expert; beyond, new ones count as one "other" bucket. */
const MAX_DISTINCT_REASONS = 1_000;
const OTHER_REASONS = '(other reasons)';
const MAX_EXAMPLE_LENGTH = 300;

interface FileProgress {
  offset: number;
  inode: number;
  /** Bytes of a line not yet ended (a writer mid-append, or a read stopped mid-line). */
  remainder: Buffer;
}

interface RunState {
  source: 'release' | 'work';
  files: Map<string, FileProgress>;
  seen: Set<string>;
  experts: Map<string, { rejections: number; reasons: Map<string, { count: number; example: string }> }>;
  bytesRead: number;
  capped: boolean;
  counted: number;
}

/**
 * The top rejection reasons per filter expert of a run, from the release's rejected.jsonl once
 * released, else the work folder's `<n>.rejected.jsonl` files. Cheap on a page that refreshes
 * every two seconds: a file is read once, from where the last read stopped (the files only
 * grow; a release never changes), only up to `maxBytesPerRun`, and only the fields before a
 * line's verdicts are parsed. A file that shrank or was replaced starts the run over.
 */
export class RejectionReasonReader {
  private readonly runs = new Map<string, RunState>();
  private readonly pending = new Map<string, Promise<unknown>>();
  private readonly maxBytesPerRun: number;
  private readonly topReasons: number;
  private readonly maxRuns: number;

  constructor(options: RejectionReasonReaderOptions = {}) {
    this.maxBytesPerRun = options.maxBytesPerRun ?? 128 * 1024 * 1024;
    this.topReasons = options.topReasons ?? 5;
    this.maxRuns = options.maxRuns ?? 200;
  }

  /** Reads what is new for the run folder (one read at a time per folder) and summarises. */
  async read(runFolder: string): Promise<RejectionReasonsView> {
    const previous = this.pending.get(runFolder) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(() => this.update(runFolder))
      .catch(
        (error: Error): RejectionReasonsView => ({
          source: 'none',
          experts: [],
          capped: false,
          counted: 0,
          problem: error.message,
        }),
      );
    this.pending.set(runFolder, next);
    try {
      return await next;
    } finally {
      if (this.pending.get(runFolder) === next) this.pending.delete(runFolder);
    }
  }

  private async update(runFolder: string): Promise<RejectionReasonsView> {
    const source = await findConversationSource(runFolder);
    if (source.kind === 'none') {
      this.runs.delete(runFolder);
      return { source: 'none', experts: [], capped: false, counted: 0 };
    }
    const files =
      source.kind === 'release'
        ? [path.join(source.folder, RELEASE_PATHS.rejected)]
        : source.iterations.map((iteration) => source.folder.rejectedLines(iteration));
    let state = this.remembered(runFolder, source.kind);
    for (const file of files) {
      if (state.capped) break;
      if (!(await this.readNew(state, file))) {
        // Rewritten under us: count again from the start.
        this.runs.delete(runFolder);
        state = this.remembered(runFolder, source.kind);
        for (const again of files) if (!state.capped) await this.readNew(state, again);
        break;
      }
    }
    return this.summary(state);
  }

  private remembered(runFolder: string, source: 'release' | 'work'): RunState {
    let state = this.runs.get(runFolder);
    if (state?.source !== source) {
      state = {
        source,
        files: new Map(),
        seen: new Set(),
        experts: new Map(),
        bytesRead: 0,
        capped: false,
        counted: 0,
      };
    }
    // Most recently read last, so the oldest is forgotten first.
    this.runs.delete(runFolder);
    this.runs.set(runFolder, state);
    while (this.runs.size > this.maxRuns) {
      const oldest = this.runs.keys().next().value;
      if (oldest === undefined) break;
      this.runs.delete(oldest);
    }
    return state;
  }

  /** Reads the bytes added since last time; false when the file shrank or is another file now. */
  private async readNew(state: RunState, file: string): Promise<boolean> {
    const found = await stat(file).catch(() => undefined);
    if (!found?.isFile()) return true; // not written yet
    const progress = state.files.get(file) ?? { offset: 0, inode: found.ino, remainder: Buffer.alloc(0) };
    if (found.ino !== progress.inode || found.size < progress.offset) return false;
    if (found.size === progress.offset) return true;
    // Kept (and advanced in place) before reading, so counts and offset never part ways.
    state.files.set(file, progress);
    const handle = await open(file, 'r');
    try {
      while (progress.offset < found.size) {
        const budget = this.maxBytesPerRun - state.bytesRead;
        if (budget <= 0) {
          state.capped = true;
          break;
        }
        const length = Math.min(CHUNK_BYTES, found.size - progress.offset, budget);
        const buffer = Buffer.alloc(length);
        const { bytesRead } = await handle.read(buffer, 0, length, progress.offset);
        if (bytesRead === 0) break;
        progress.offset += bytesRead;
        state.bytesRead += bytesRead;
        // Split on the newline byte, which never occurs inside a multi-byte UTF-8 character.
        let data = Buffer.concat([progress.remainder, buffer.subarray(0, bytesRead)]);
        for (let end = data.indexOf(NEWLINE); end !== -1; end = data.indexOf(NEWLINE)) {
          this.count(state, data.subarray(0, end).toString('utf8'));
          data = data.subarray(end + 1);
        }
        progress.remainder = Buffer.from(data);
      }
    } finally {
      await handle.close();
    }
    return true;
  }

  private count(state: RunState, text: string): void {
    const line = parseReasonLine(text);
    if (line?.outcome !== 'filtered' || !line.expert) return;
    const key = rejectedKey(line);
    if (state.seen.has(key)) return;
    state.seen.add(key);
    state.counted += 1;
    let expert = state.experts.get(line.expert);
    if (!expert) {
      expert = { rejections: 0, reasons: new Map() };
      state.experts.set(line.expert, expert);
    }
    expert.rejections += 1;
    for (const reason of reasonKeys(line.reason)) {
      const bucket =
        expert.reasons.has(reason) || expert.reasons.size < MAX_DISTINCT_REASONS ? reason : OTHER_REASONS;
      const entry = expert.reasons.get(bucket);
      if (entry) entry.count += 1;
      else expert.reasons.set(bucket, { count: 1, example: line.reason.slice(0, MAX_EXAMPLE_LENGTH) });
    }
  }

  private summary(state: RunState): RejectionReasonsView {
    const experts = [...state.experts.entries()]
      .map(([expert, counts]) => {
        const ranked = [...counts.reasons.entries()]
          .map(([reason, { count, example }]) => ({ reason, count, example }))
          .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
        return {
          expert,
          rejections: counts.rejections,
          reasons: ranked.slice(0, this.topReasons),
          otherReasons: Math.max(0, ranked.length - this.topReasons),
        };
      })
      .sort((a, b) => b.rejections - a.rejections || a.expert.localeCompare(b.expert));
    return { source: state.source, experts, capped: state.capped, counted: state.counted };
  }
}

/**
 * The fields before `"verdicts"` of a rejected line, parsed alone when the writer put them
 * first (as JSON.stringify of a validated record does): a line's verdicts and conversation are
 * most of its bytes. Any other layout falls back to parsing the whole line. Unreadable lines
 * (a torn last line) count as nothing.
 */
export function parseReasonLine(text: string): ReasonLine | undefined {
  if (text.trim() === '') return undefined;
  const cut = text.indexOf(',"verdicts":');
  if (cut > 0) {
    const head = tryParse(`${text.slice(0, cut)}}`);
    if (head) return head;
  }
  return tryParse(text);
}

function tryParse(text: string): ReasonLine | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = reasonLineSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
