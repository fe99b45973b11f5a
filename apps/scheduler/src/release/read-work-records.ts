import { readdir } from 'node:fs/promises';
import path from 'node:path';
import {
  type AcceptedConversation,
  acceptedConversationSchema,
  type ExpertVerdict,
  InputError,
  type RejectedCandidate,
  rejectedCandidateSchema,
} from '@parley/core';
import type { z } from 'zod';
import type { RunFolder } from '../run-folder';
import { readLines } from './read-lines';
import type { ReleaseSpool, SpoolLine } from './release-spool';
import type { VerdictOutcome } from './release-statistics';

const WORK_FILE = /^(\d+)\.(accepted|rejected)\.jsonl$/;

/** What reading one kind of `.work` file found. */
export interface WorkFileStats {
  files: number;
  /** Non-blank lines read. */
  lines: number;
  /** Distinct records kept. */
  records: number;
  /** Lines repeating a record already read (at-least-once delivery). */
  duplicates: number;
  /** Duplicates whose content differs from the first copy; the first copy is kept. */
  conflictingDuplicates: number;
  /** Unterminated, unparsable last lines (a writer killed mid-line); left out. */
  truncatedLines: number;
  /** Lines where a killed writer's fragment ran into a whole record; the record is kept. */
  recoveredLines: number;
  /** Unparsable lines with no whole record in them; left out. */
  corruptLines: number;
}

/** What the release needs of a record in memory, and where its JSON line waits in the spool. */
export interface WorkRecord<T> {
  record: T;
  /** JSON.stringify of the validated record: the line the release writes, without its newline. */
  line: SpoolLine;
}

/**
 * What the release needs of an accepted line besides its JSON: sort keys, the split key (id),
 * and what the statistics count. The conversation itself stays in the spool.
 */
export interface AcceptedSummary
  extends Pick<AcceptedConversation, 'id' | 'iteration' | 'pair' | 'candidate' | 'judgeScore' | 'split'> {
  turnCount: number;
  verdicts: VerdictOutcome[];
}

/** What the release needs of a rejected line besides its JSON: sort keys and verdict outcomes. */
export interface RejectedSummary
  extends Pick<RejectedCandidate, 'iteration' | 'pair' | 'candidate' | 'outcome'> {
  verdicts: VerdictOutcome[];
}

export interface WorkRecords {
  /** Distinct accepted conversations (first copy of each id), in file order. */
  accepted: WorkRecord<AcceptedSummary>[];
  /** Distinct rejected candidates (first copy of each run.iteration.pair.candidate + outcome). */
  rejected: WorkRecord<RejectedSummary>[];
  acceptedStats: WorkFileStats;
  rejectedStats: WorkFileStats;
  /** Iteration numbers that have at least one `.work` file. */
  iterations: number[];
  /** Located notes on every line left out or repaired. */
  problems: string[];
}

/** The key under which rejected.jsonl de-duplicates: `run.iteration.pair.candidate` + outcome. */
export function rejectedKey(
  record: Pick<RejectedCandidate, 'run' | 'iteration' | 'pair' | 'candidate' | 'outcome'>,
): string {
  return `${record.run}.${record.iteration}.${record.pair}.${record.candidate ?? 'pair'}|${record.outcome}`;
}

/**
 * What the release adds to each line it keeps (split, profile ids); applied before a line is
 * spooled, so the spool holds the lines exactly as the release writes them. `where` is file:line.
 */
export interface LineAnnotator {
  accepted(record: AcceptedConversation, where: string): AcceptedConversation;
  rejected(record: RejectedCandidate, where: string): RejectedCandidate;
}

const KEEP_AS_IS: LineAnnotator = { accepted: (record) => record, rejected: (record) => record };

/**
 * Reads the run's `<work>/iterations/<n>.{accepted,rejected}.jsonl` (see RunFolder), tolerating
 * what a crash and at-least-once delivery leave behind (repeated lines, a truncated last line,
 * a fragment glued to the next record) and counting each. A line that parses but is not a
 * valid record, or belongs to another run or iteration, is a bug upstream and throws an
 * InputError naming file:line. Each kept record's line goes to `spool`, annotated; memory
 * holds only its summary. Locations are shown relative to the output folder.
 */
export async function readWorkRecords(
  runFolder: RunFolder,
  runId: string,
  spool: ReleaseSpool,
  annotate: LineAnnotator = KEEP_AS_IS,
): Promise<WorkRecords> {
  const folder = runFolder.workIterationsFolder;
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    names = [];
  }
  const files = names
    .map((name) => ({ name, match: WORK_FILE.exec(name) }))
    .filter((entry): entry is { name: string; match: RegExpExecArray } => entry.match !== null)
    .map(({ name, match }) => ({
      file: path.join(folder, name),
      iteration: Number(match[1]),
      kind: match[2] as 'accepted' | 'rejected',
    }))
    .sort((a, b) => a.iteration - b.iteration || a.kind.localeCompare(b.kind));

  const problems: string[] = [];
  const accepted = new Map<string, WorkRecord<AcceptedSummary>>();
  const rejected = new Map<string, WorkRecord<RejectedSummary>>();
  const acceptedStats = emptyStats();
  const rejectedStats = emptyStats();
  const outcomes = new VerdictOutcomeLists();
  const keepAccepted = (record: AcceptedConversation) => summariseAccepted(record, outcomes);
  const keepRejected = (record: RejectedCandidate) => summariseRejected(record, outcomes);
  for (const entry of files) {
    const shownFrom = path.dirname(path.resolve(runFolder.root));
    const context = { runId, iteration: entry.iteration, shownFrom, problems, spool };
    if (entry.kind === 'accepted') {
      const schema = acceptedConversationSchema;
      const keyOf = (record: AcceptedConversation) => record.id;
      const annotated = (record: AcceptedConversation, where: string) => annotate.accepted(record, where);
      await readInto(entry.file, schema, keyOf, annotated, keepAccepted, accepted, acceptedStats, context);
    } else {
      const schema = rejectedCandidateSchema;
      const annotated = (record: RejectedCandidate, where: string) => annotate.rejected(record, where);
      await readInto(
        entry.file,
        schema,
        rejectedKey,
        annotated,
        keepRejected,
        rejected,
        rejectedStats,
        context,
      );
    }
  }
  // One pair, one winner: a second accepted conversation for a pair means a pair was settled twice.
  const pairs = new Map<string, string>();
  for (const { record } of accepted.values()) {
    const pair = `${record.iteration}.${record.pair}`;
    const first = pairs.get(pair);
    if (first === undefined) pairs.set(pair, record.id);
    else
      problems.push(
        `iteration ${record.iteration}, pair ${record.pair}: accepted twice (${first}, ${record.id})`,
      );
  }
  return {
    accepted: [...accepted.values()],
    rejected: [...rejected.values()],
    acceptedStats,
    rejectedStats,
    iterations: [...new Set(files.map((entry) => entry.iteration))],
    problems,
  };
}

interface ReadContext {
  runId: string;
  iteration: number;
  /** Locations are shown relative to this folder. */
  shownFrom: string;
  problems: string[];
  spool: ReleaseSpool;
}

async function readInto<T extends { run: string; iteration: number }, S>(
  file: string,
  schema: z.ZodType<T>,
  keyOf: (record: T) => string,
  annotate: (record: T, where: string) => T,
  keep: (record: T) => S,
  target: Map<string, WorkRecord<S>>,
  stats: WorkFileStats,
  context: ReadContext,
): Promise<void> {
  stats.files += 1;
  const shown = path.relative(context.shownFrom, file).split(path.sep).join('/');
  for await (const line of readLines(file)) {
    if (line.text.trim() === '') continue;
    stats.lines += 1;
    const location = `${shown}:${line.number}`;
    let value: unknown;
    try {
      value = JSON.parse(line.text);
    } catch {
      const recovered = recoverRecord(line.text, schema);
      if (recovered !== undefined) {
        stats.recoveredLines += 1;
        context.problems.push(`${location}: a broken fragment preceded a whole record; the record was kept`);
        value = recovered;
      } else if (!line.terminated) {
        stats.truncatedLines += 1;
        context.problems.push(`${location}: truncated last line left out`);
        continue;
      } else {
        stats.corruptLines += 1;
        context.problems.push(`${location}: not JSON, left out`);
        continue;
      }
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError(
        location,
        `not a valid record: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`,
      );
    }
    const record = parsed.data;
    if (record.run !== context.runId) {
      throw new InputError(location, `belongs to run "${record.run}", not "${context.runId}"`);
    }
    if (record.iteration !== context.iteration) {
      throw new InputError(
        location,
        `says iteration ${record.iteration} in the file of iteration ${context.iteration}`,
      );
    }
    const released = annotate(record, location);
    const json = JSON.stringify(released);
    const key = keyOf(record);
    const first = target.get(key);
    if (first === undefined) {
      target.set(key, { record: keep(released), line: context.spool.append(json) });
      await context.spool.flushIfFull();
      stats.records += 1;
    } else {
      stats.duplicates += 1;
      // Repeats are rare (a redelivered settle): reading the first copy back costs little.
      if ((await context.spool.read(first.line)) !== json) {
        stats.conflictingDuplicates += 1;
        context.problems.push(`${location}: repeats ${key} with different content; the first copy was kept`);
      }
    }
  }
}

function summariseAccepted(record: AcceptedConversation, outcomes: VerdictOutcomeLists): AcceptedSummary {
  const { id, iteration, pair, candidate, judgeScore, split } = record;
  const turnCount = record.turns.length;
  return {
    id,
    iteration,
    pair,
    candidate,
    judgeScore,
    split,
    turnCount,
    verdicts: outcomes.of(record.verdicts),
  };
}

function summariseRejected(record: RejectedCandidate, outcomes: VerdictOutcomeLists): RejectedSummary {
  const { iteration, pair, candidate, outcome } = record;
  return { iteration, pair, candidate, outcome, verdicts: outcomes.of(record.verdicts) };
}

/**
 * Verdict outcomes as the summaries keep them: most candidates share one of a few outcome
 * lists (every filter passed, toxicity failed, ...), so each distinct list is kept once and
 * shared, instead of a few objects per line of a run with hundreds of thousands of lines.
 */
class VerdictOutcomeLists {
  private readonly lists = new Map<string, VerdictOutcome[]>();

  of(verdicts: readonly ExpertVerdict[]): VerdictOutcome[] {
    const key = verdicts
      .map(({ expert, passed }) => `${passed === undefined ? '-' : passed ? '1' : '0'}${expert}`)
      .join('\n');
    let list = this.lists.get(key);
    if (!list) {
      list = verdicts.map(({ expert, passed }) => (passed === undefined ? { expert } : { expert, passed }));
      this.lists.set(key, list);
    }
    return list;
  }
}

/**
 * A writer killed mid-line leaves a fragment; the next append after a restart glues a whole
 * record to it. The earliest `{` from which the rest of the line is a valid record finds it.
 */
function recoverRecord<T>(text: string, schema: z.ZodType<T>): unknown {
  for (let start = text.indexOf('{"', 1); start !== -1; start = text.indexOf('{"', start + 1)) {
    let value: unknown;
    try {
      value = JSON.parse(text.slice(start));
    } catch {
      continue;
    }
    if (schema.safeParse(value).success) return value;
  }
  return undefined;
}

function emptyStats(): WorkFileStats {
  return {
    files: 0,
    lines: 0,
    records: 0,
    duplicates: 0,
    conflictingDuplicates: 0,
    truncatedLines: 0,
    recoveredLines: 0,
    corruptLines: 0,
  };
}
