import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  type AcceptedConversation,
  acceptedConversationSchema,
  type Conversation,
  type RejectedCandidate,
  rejectedCandidateSchema,
} from '@parley/core';
import { formatSpcConversation, formatSpcPersona, readSeed } from '@parley/dataset';
import type { z } from 'zod';
import { digestFile } from './file-digest';
import {
  conversationsToParquet,
  PARQUET_ROWS_PER_SHARD,
  parquetShardCount,
  parquetShardPath,
} from './parquet-shards';
import { SPLIT_ORDER } from './profile-splits';
import { readLines } from './read-lines';
import { rejectedKey } from './read-work-records';
import { iterationPath, RELEASE_PATHS, spcPath } from './release-layout';
import { type ReleaseManifest, readReleaseManifest } from './release-manifest';
import { type PairFacts, ReleasePairs } from './release-pairs';

/** What {@link verifyRelease} found; `ok` only when `problems` is empty. */
export interface ReleaseVerification {
  ok: boolean;
  problems: string[];
}

/** Problems listed before the rest are only counted (a broken file can yield one per line). */
const MAX_PROBLEMS = 100;

/**
 * Checks a release against its manifest and itself: the manifest is present, valid and says
 * complete; every listed file exists with its size, sha256 and line count; no file in the
 * folder is missing from the list; every accepted conversation id is unique and each
 * iteration file holds exactly its iteration's share of conversations.jsonl; rejected.jsonl
 * has no repeated key; every line's pair resolves in pairs.jsonl with the profile ids and the
 * split the split rule gives; no profile is in two splits; and per split, the SPC CSV read back
 * and the Parquet shards rebuilt from conversations.jsonl are exactly the files released.
 */
export async function verifyRelease(runFolder: string): Promise<ReleaseVerification> {
  const problems = new ProblemList();
  let manifest: ReleaseManifest;
  try {
    manifest = await readReleaseManifest(runFolder);
  } catch (error) {
    problems.add((error as Error).message);
    return problems.result();
  }
  if (!manifest.complete) problems.add(`${RELEASE_PATHS.manifest}: says complete: false`);

  await checkFiles(runFolder, manifest, problems);
  const lines = await readRecords(
    runFolder,
    RELEASE_PATHS.conversations,
    acceptedConversationSchema,
    problems,
  );
  let pairs: ReleasePairs | undefined;
  try {
    pairs = await ReleasePairs.read(runFolder, manifest.config);
  } catch (error) {
    problems.add((error as Error).message);
  }
  if (lines) {
    const conversations = lines.map((line) => line.record);
    checkConversations(conversations, manifest, problems);
    await checkIterations(runFolder, lines, manifest, problems);
    if (pairs) {
      checkPairFacts(RELEASE_PATHS.conversations, conversations, pairs, problems);
      checkProfileOverlap(conversations, problems);
    }
    await checkSplits(runFolder, conversations, manifest, problems);
  }
  const rejected = await readRecords(runFolder, RELEASE_PATHS.rejected, rejectedCandidateSchema, problems);
  if (rejected) {
    const records = rejected.map((line) => line.record);
    checkRejected(records, problems);
    if (pairs) checkPairFacts(RELEASE_PATHS.rejected, records, pairs, problems);
  }
  return problems.result();
}

class ProblemList {
  private readonly problems: string[] = [];
  private omitted = 0;

  add(problem: string): void {
    if (this.problems.length < MAX_PROBLEMS) this.problems.push(problem);
    else this.omitted += 1;
  }

  result(): ReleaseVerification {
    const problems =
      this.omitted > 0 ? [...this.problems, `... and ${this.omitted} more problems`] : this.problems;
    return { ok: problems.length === 0, problems };
  }
}

async function checkFiles(
  runFolder: string,
  manifest: ReleaseManifest,
  problems: ProblemList,
): Promise<void> {
  const listed = new Set<string>();
  for (const file of manifest.files) {
    if (listed.has(file.path)) problems.add(`${RELEASE_PATHS.manifest}: lists ${file.path} twice`);
    listed.add(file.path);
    const absolute = path.join(runFolder, ...file.path.split('/'));
    let digest: Awaited<ReturnType<typeof digestFile>>;
    try {
      digest = await digestFile(absolute);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      problems.add(
        `${file.path}: ${code === 'ENOENT' ? 'missing' : `unreadable (${(error as Error).message})`}`,
      );
      continue;
    }
    if (digest.bytes !== file.bytes)
      problems.add(`${file.path}: ${digest.bytes} bytes, the manifest says ${file.bytes}`);
    if (digest.sha256 !== file.sha256)
      problems.add(`${file.path}: sha256 ${digest.sha256} does not match the manifest`);
    if (digest.lines !== file.lines)
      problems.add(`${file.path}: ${digest.lines} lines, the manifest says ${file.lines}`);
  }
  const required = [
    RELEASE_PATHS.conversations,
    RELEASE_PATHS.rejected,
    RELEASE_PATHS.readme,
    ...manifest.iterations.map((iteration) => iterationPath(iteration.iteration)),
    ...SPLIT_ORDER.filter((split) => manifest.split.counts[split] > 0).flatMap((split) => [
      spcPath(split),
      ...shardPaths(split, manifest.split.counts[split]),
    ]),
  ];
  for (const file of required) {
    if (!listed.has(file)) problems.add(`${RELEASE_PATHS.manifest}: does not list ${file}`);
  }
  for (const file of await listFiles(runFolder)) {
    if (file !== RELEASE_PATHS.manifest && !listed.has(file)) {
      problems.add(`${file}: not part of the release (extra file)`);
    }
  }
}

/**
 * Files written about a release after it is complete (`parley eval`'s report), so not part of
 * what the manifest seals.
 */
const FILES_ABOUT_THE_RELEASE = new Set(['eval.json']);

/** Every file under the run folder (the release holds only what ships), as `/`-separated relative paths. */
async function listFiles(runFolder: string, relative = ''): Promise<string[]> {
  const entries = await readdir(path.join(runFolder, relative), { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
    if (relative === '' && FILES_ABOUT_THE_RELEASE.has(entry.name)) continue;
    if (entry.isDirectory()) files.push(...(await listFiles(runFolder, child)));
    else files.push(child);
  }
  return files;
}

/** The valid records of a JSONL file with the text of their lines; undefined if any line is not one. */
async function readRecords<T>(
  runFolder: string,
  file: string,
  schema: z.ZodType<T>,
  problems: ProblemList,
): Promise<Array<{ record: T; text: string }> | undefined> {
  const records: Array<{ record: T; text: string }> = [];
  try {
    await stat(path.join(runFolder, file));
  } catch {
    return undefined; // reported as missing by checkFiles
  }
  let valid = true;
  for await (const line of readLines(path.join(runFolder, file))) {
    if (line.text === '') {
      problems.add(`${file}:${line.number}: blank line`);
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(line.text);
    } catch {
      problems.add(`${file}:${line.number}: not JSON`);
      valid = false;
      continue;
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      problems.add(
        `${file}:${line.number}: not a valid record: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`,
      );
      valid = false;
      continue;
    }
    if (!line.terminated) problems.add(`${file}:${line.number}: the last line has no newline`);
    records.push({ record: parsed.data, text: line.text });
  }
  return valid ? records : undefined;
}

function checkConversations(
  conversations: readonly AcceptedConversation[],
  manifest: ReleaseManifest,
  problems: ProblemList,
): void {
  const seen = new Set<string>();
  for (const conversation of conversations) {
    if (seen.has(conversation.id))
      problems.add(`${RELEASE_PATHS.conversations}: id ${conversation.id} appears twice`);
    seen.add(conversation.id);
    if (conversation.run !== manifest.runId) {
      problems.add(`${RELEASE_PATHS.conversations}: ${conversation.id} belongs to run ${conversation.run}`);
    }
  }
  if (conversations.length !== manifest.totals.candidates.accepted) {
    problems.add(
      `${RELEASE_PATHS.conversations}: ${conversations.length} conversations, the manifest counts ${manifest.totals.candidates.accepted}`,
    );
  }
}

/** Each iteration file must be, line for line, its iteration's part of conversations.jsonl. */
async function checkIterations(
  runFolder: string,
  conversations: ReadonlyArray<{ record: AcceptedConversation; text: string }>,
  manifest: ReleaseManifest,
  problems: ProblemList,
): Promise<void> {
  for (const iteration of manifest.iterations) {
    const file = iterationPath(iteration.iteration);
    const expected = conversations.filter((line) => line.record.iteration === iteration.iteration);
    let index = 0;
    let same = true;
    try {
      for await (const line of readLines(path.join(runFolder, file))) {
        if (line.text !== expected[index]?.text || !line.terminated) same = false;
        index += 1;
      }
    } catch {
      continue; // reported as missing or unreadable by checkFiles
    }
    if (!same || index !== expected.length) {
      problems.add(
        `${file}: is not the iteration-${iteration.iteration} part of ${RELEASE_PATHS.conversations}`,
      );
    }
  }
  const covered = new Set(manifest.iterations.map((iteration) => iteration.iteration));
  for (const { record: conversation } of conversations) {
    if (!covered.has(conversation.iteration)) {
      problems.add(
        `${RELEASE_PATHS.conversations}: ${conversation.id} is of iteration ${conversation.iteration}, which the manifest does not list`,
      );
    }
  }
}

function checkRejected(rejected: readonly RejectedCandidate[], problems: ProblemList): void {
  const seen = new Set<string>();
  for (const record of rejected) {
    const key = rejectedKey(record);
    if (seen.has(key)) problems.add(`${RELEASE_PATHS.rejected}: ${key} appears twice`);
    seen.add(key);
  }
}

function shardPaths(split: (typeof SPLIT_ORDER)[number], rows: number): string[] {
  const shards = parquetShardCount(rows);
  return Array.from({ length: shards }, (_, shard) => parquetShardPath(split, shard, shards));
}

/** Every line's pair resolves in pairs.jsonl with the profile ids and split the rule gives. */
function checkPairFacts(
  file: string,
  records: ReadonlyArray<AcceptedConversation | RejectedCandidate>,
  pairs: ReleasePairs,
  problems: ProblemList,
): void {
  records.forEach((record, index) => {
    const facts = pairs.of(record.pair);
    const where = `${file}:${index + 1}`;
    if (!facts) {
      problems.add(`${where}: pair ${record.pair} is not in pairs.jsonl`);
      return;
    }
    for (const field of ['profilePair', 'user1Profile', 'user2Profile', 'split'] as const) {
      const expected: PairFacts[typeof field] = facts[field];
      if (record[field] !== expected)
        problems.add(
          `${where}: ${field} is ${JSON.stringify(record[field])}, the split rule gives ${JSON.stringify(expected)}`,
        );
    }
  });
}

/** No profile speaks in two splits. */
function checkProfileOverlap(conversations: readonly AcceptedConversation[], problems: ProblemList): void {
  const splitOf = new Map<string, string>();
  for (const conversation of conversations) {
    if (!conversation.split) continue;
    for (const profile of [conversation.user1Profile, conversation.user2Profile]) {
      if (profile === undefined) continue;
      const seen = splitOf.get(profile);
      if (seen === undefined) splitOf.set(profile, conversation.split);
      else if (seen !== conversation.split)
        problems.add(`profile ${profile} is in two splits (${seen}, ${conversation.split})`);
    }
  }
}

/** Per split: the counts, the SPC CSV read back, and the Parquet shards rebuilt byte for byte. */
async function checkSplits(
  runFolder: string,
  conversations: readonly AcceptedConversation[],
  manifest: ReleaseManifest,
  problems: ProblemList,
): Promise<void> {
  const excluded = conversations.filter((conversation) => !conversation.split).length;
  if (excluded !== manifest.split.counts.excluded)
    problems.add(
      `${RELEASE_PATHS.conversations}: ${excluded} conversations in no split, the manifest says ${manifest.split.counts.excluded}`,
    );
  const listed = new Map(manifest.files.map((file) => [file.path, file]));
  for (const split of SPLIT_ORDER) {
    const expected = conversations.filter((conversation) => conversation.split === split);
    if (expected.length !== manifest.split.counts[split]) {
      problems.add(
        `${RELEASE_PATHS.conversations}: ${expected.length} conversations say split ${split}, the manifest says ${manifest.split.counts[split]}`,
      );
      continue;
    }
    if (expected.length === 0) continue;
    const file = spcPath(split);
    let rows: Conversation[] | undefined;
    try {
      const { records } = await readSeed(path.join(runFolder, file), {
        format: 'spc-csv',
        mode: 'strict',
      }).collect();
      rows = records.map((record) => record.conversation);
    } catch (error) {
      problems.add(`${file}: cannot be read back (${(error as Error).message})`);
    }
    if (rows && rows.length !== expected.length) {
      problems.add(`${file}: ${rows.length} rows, the split has ${expected.length}`);
    } else if (rows) {
      const mismatch = rows.findIndex((row, index) => !sameInSpc(row, expected[index] as Conversation));
      if (mismatch !== -1)
        problems.add(`${file}: row ${mismatch + 1} is not conversation ${expected[mismatch]?.id}`);
    }
    const shards = shardPaths(split, expected.length);
    shards.forEach((shard, index) => {
      const rebuilt = conversationsToParquet(
        expected.slice(index * PARQUET_ROWS_PER_SHARD, (index + 1) * PARQUET_ROWS_PER_SHARD),
      );
      const sha256 = createHash('sha256').update(rebuilt).digest('hex');
      const pinned = listed.get(shard);
      if (pinned && pinned.sha256 !== sha256)
        problems.add(`${shard}: is not the ${split} conversations of ${RELEASE_PATHS.conversations}`);
    });
  }
}

/** Equal as the SPC format can show them (one line a turn or persona sentence, trimmed). */
function sameInSpc(a: Conversation, b: Conversation): boolean {
  return (
    formatSpcPersona(a.user1Persona) === formatSpcPersona(b.user1Persona) &&
    formatSpcPersona(a.user2Persona) === formatSpcPersona(b.user2Persona) &&
    formatSpcConversation(a.turns) === formatSpcConversation(b.turns)
  );
}
