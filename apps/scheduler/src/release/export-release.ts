import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import {
  type AcceptedConversation,
  type ExpertVerdict,
  InputError,
  type ReleaseSplit,
  type Speaker,
} from '@parley/core';
import { AtomicFileWriter, SpcCsvWriter } from '@parley/dataset';
import { conversationText, generationPrompt, toChatMessages } from './chat-format';
import {
  PARQUET_ROWS_PER_SHARD,
  parquetShardCount,
  parquetShardPath,
  writeParquetShard,
} from './parquet-shards';
import { SPLIT_ORDER, spcNameOf } from './profile-splits';
import { readReleaseManifest } from './release-manifest';
import { collect, readReleaseConversations, readReleaseRejections } from './release-reader';

export const EXPORT_FORMATS = ['chat', 'dpo', 'spc', 'parquet'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** One file an export wrote, relative to its folder. */
export interface ExportedFile {
  path: string;
  records: number;
}

export interface ExportOptions {
  /** Whose turns are `assistant` messages in the chat format. @defaultValue 'user2' */
  assistant?: Speaker;
}

/**
 * Writes a release in another format into `target` (outside the release, which holds only what
 * its manifest seals), one file per non-empty split:
 * - `chat`: `chat/<split>.jsonl`, `{"messages": [...]}` role-play chats (toChatMessages);
 * - `dpo`: `dpo/<split>.jsonl`, one preference pair per candidate that lost the vote to an
 *   accepted conversation of the same pair: `prompt` (the Generator's task), `chosen` (the
 *   accepted conversation), `rejected` (the loser), with both sides' verdicts;
 * - `spc`: `spc/<train|valid|test>.csv`, Synthetic-Persona-Chat columns;
 * - `parquet`: `data/<split>-NNNNN-of-NNNNN.parquet`, the release's typed shards.
 * Conversations in no split are left out of every format.
 */
export async function exportRelease(
  release: string,
  target: string,
  format: ExportFormat,
  options: ExportOptions = {},
): Promise<ExportedFile[]> {
  await readReleaseManifest(release); // only a complete release is exported
  if (
    path.resolve(target) === path.resolve(release) ||
    path.resolve(target).startsWith(`${path.resolve(release)}${path.sep}`)
  )
    throw new InputError(
      target,
      'exports go outside the release folder (it holds only what its manifest seals)',
    );
  const conversations = await collect(readReleaseConversations(release));
  const bySplit = new Map<ReleaseSplit, AcceptedConversation[]>();
  for (const conversation of conversations) {
    if (!conversation.split) continue;
    const list = bySplit.get(conversation.split) ?? [];
    if (list.length === 0) bySplit.set(conversation.split, list);
    list.push(conversation);
  }
  const written: ExportedFile[] = [];
  if (format === 'dpo') return exportPreferences(release, target, conversations);
  for (const split of SPLIT_ORDER) {
    const list = bySplit.get(split) ?? [];
    if (list.length === 0) continue;
    if (format === 'chat') {
      const lines = list.map((conversation) => ({
        id: conversation.id,
        messages: toChatMessages(conversation, options.assistant ?? 'user2'),
      }));
      written.push(await writeJsonl(target, `chat/${split}.jsonl`, lines));
    } else if (format === 'spc') {
      const file = `spc/${spcNameOf(split)}.csv`;
      await mkdir(path.join(target, 'spc'), { recursive: true });
      const writer = await SpcCsvWriter.create(path.join(target, file));
      for (const conversation of list) await writer.write(conversation);
      await writer.commit();
      written.push({ path: file, records: list.length });
    } else {
      await mkdir(path.join(target, 'data'), { recursive: true });
      const shards = parquetShardCount(list.length);
      for (let shard = 0; shard < shards; shard++) {
        const part = list.slice(shard * PARQUET_ROWS_PER_SHARD, (shard + 1) * PARQUET_ROWS_PER_SHARD);
        const file = parquetShardPath(split, shard, shards);
        await writeParquetShard(path.join(target, file), part);
        written.push({ path: file, records: part.length });
      }
    }
  }
  return written;
}

/** A verdict as a preference record shows it (no usage, no raw output). */
function shownVerdicts(verdicts: readonly ExpertVerdict[]) {
  return verdicts.map(({ expert, kind, passed, score, wins, comparisons, rationale }) => ({
    expert,
    kind,
    ...(passed === undefined ? {} : { passed }),
    ...(score === undefined ? {} : { score }),
    ...(wins === undefined ? {} : { wins }),
    ...(comparisons === undefined ? {} : { comparisons }),
    rationale,
  }));
}

async function exportPreferences(
  release: string,
  target: string,
  conversations: readonly AcceptedConversation[],
): Promise<ExportedFile[]> {
  const winners = new Map(
    conversations.map((conversation) => [
      `${conversation.iteration}\u0000${conversation.pair}`,
      conversation,
    ]),
  );
  const bySplit = new Map<ReleaseSplit, object[]>();
  for await (const line of readReleaseRejections(release)) {
    if (line.outcome !== 'lost-vote' || !line.conversation) continue;
    const chosen = winners.get(`${line.iteration}\u0000${line.pair}`);
    if (!chosen?.split) continue;
    const list = bySplit.get(chosen.split) ?? [];
    if (list.length === 0) bySplit.set(chosen.split, list);
    list.push({
      id: `${chosen.id}>${line.candidate}`,
      iteration: chosen.iteration,
      pair: chosen.pair,
      profilePair: chosen.profilePair,
      prompt: generationPrompt(chosen),
      chosen: [{ role: 'assistant', content: conversationText(chosen) }],
      rejected: [{ role: 'assistant', content: conversationText(line.conversation) }],
      chosenCandidate: chosen.candidate,
      rejectedCandidate: line.candidate,
      chosenJudgeScore: chosen.judgeScore,
      rejectedReason: line.reason,
      chosenVerdicts: shownVerdicts(chosen.verdicts),
      rejectedVerdicts: shownVerdicts(line.verdicts),
    });
  }
  const written: ExportedFile[] = [];
  for (const split of SPLIT_ORDER) {
    const list = bySplit.get(split) ?? [];
    if (list.length > 0) written.push(await writeJsonl(target, `dpo/${split}.jsonl`, list));
  }
  return written;
}

async function writeJsonl(target: string, file: string, records: readonly object[]): Promise<ExportedFile> {
  const absolute = path.join(target, ...file.split('/'));
  await mkdir(path.dirname(absolute), { recursive: true });
  const writer = await AtomicFileWriter.create(absolute);
  try {
    for (const record of records) await writer.write(`${JSON.stringify(record)}\n`);
    await writer.commit();
  } catch (error) {
    await writer.abort();
    throw error;
  }
  return { path: file, records: records.length };
}
