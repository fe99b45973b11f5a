import type { AcceptedConversation, ReleaseSplit } from '@parley/core';
import { writeFileAtomic } from '@parley/dataset';
import { type ColumnSource, parquetWriteBuffer, type SchemaElement } from 'hyparquet-writer';

/** Rows per Parquet shard: bounds the memory one shard takes to build (a few tens of MB). */
export const PARQUET_ROWS_PER_SHARD = 10_000;

/** `data/<split>-00000-of-00002.parquet`: the shard names Hugging Face `datasets` expects. */
export function parquetShardPath(split: ReleaseSplit, shard: number, shards: number): string {
  return `data/${split}-${pad(shard)}-of-${pad(shards)}.parquet`;
}

export function parquetShardCount(rows: number): number {
  return Math.max(1, Math.ceil(rows / PARQUET_ROWS_PER_SHARD));
}

/** The `data_files` glob of a split in the card's `configs`. */
export function parquetSplitGlob(split: ReleaseSplit): string {
  return `data/${split}-*.parquet`;
}

const string = (name: string, optional = false): SchemaElement => ({
  name,
  type: 'BYTE_ARRAY',
  converted_type: 'UTF8',
  repetition_type: optional ? 'OPTIONAL' : 'REQUIRED',
});

const stringList = (name: string): SchemaElement[] => [
  { name, repetition_type: 'REQUIRED', converted_type: 'LIST', num_children: 1 },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  string('element'),
];

/**
 * One row per conversation, typed: `datasets` reads ids and texts as strings, personas as lists
 * of strings, turns and verdicts as lists of structs, the judge score as float64.
 */
const SCHEMA: SchemaElement[] = [
  { name: 'root', num_children: 15 },
  string('id'),
  string('run'),
  { name: 'iteration', type: 'INT32', repetition_type: 'REQUIRED' },
  string('pair'),
  string('profilePair'),
  string('user1Profile'),
  string('user2Profile'),
  { name: 'candidate', type: 'INT32', repetition_type: 'REQUIRED' },
  string('split'),
  ...stringList('user1Persona'),
  ...stringList('user2Persona'),
  { name: 'turns', repetition_type: 'REQUIRED', converted_type: 'LIST', num_children: 1 },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  { name: 'element', repetition_type: 'REQUIRED', num_children: 2 },
  string('speaker', true),
  string('text'),
  { name: 'judgeScore', type: 'DOUBLE', repetition_type: 'REQUIRED' },
  string('generatorModel'),
  { name: 'verdicts', repetition_type: 'REQUIRED', converted_type: 'LIST', num_children: 1 },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  { name: 'element', repetition_type: 'REQUIRED', num_children: 5 },
  string('expert'),
  string('kind'),
  { name: 'passed', type: 'BOOLEAN', repetition_type: 'OPTIONAL' },
  { name: 'score', type: 'DOUBLE', repetition_type: 'OPTIONAL' },
  string('rationale'),
];

/** The Parquet columns, in schema order, and how each is read off a released conversation. */
const COLUMNS: Array<[string, (conversation: AcceptedConversation) => unknown]> = [
  ['id', (c) => c.id],
  ['run', (c) => c.run],
  ['iteration', (c) => c.iteration],
  ['pair', (c) => c.pair],
  ['profilePair', (c) => c.profilePair ?? c.pair],
  ['user1Profile', (c) => c.user1Profile ?? ''],
  ['user2Profile', (c) => c.user2Profile ?? ''],
  ['candidate', (c) => c.candidate],
  ['split', (c) => c.split ?? ''],
  ['user1Persona', (c) => c.user1Persona],
  ['user2Persona', (c) => c.user2Persona],
  ['turns', (c) => c.turns.map((turn) => ({ speaker: turn.speaker, text: turn.text }))],
  ['judgeScore', (c) => c.judgeScore],
  ['generatorModel', (c) => c.generator.model],
  [
    'verdicts',
    (c) =>
      c.verdicts.map((verdict) => ({
        expert: verdict.expert,
        kind: verdict.kind,
        passed: verdict.passed ?? null,
        score: verdict.score ?? null,
        rationale: verdict.rationale,
      })),
  ],
];

/** Parquet bytes of `conversations` (released lines, with their split), deterministic. */
export function conversationsToParquet(conversations: readonly AcceptedConversation[]): Uint8Array {
  const columnData: ColumnSource[] = COLUMNS.map(([name, read]) => ({
    name,
    data: conversations.map(read) as ColumnSource['data'],
  }));
  const buffer = parquetWriteBuffer({
    columnData,
    schema: SCHEMA,
    // One row group per shard: shards are small, and readers see a single group.
    rowGroupSize: PARQUET_ROWS_PER_SHARD,
    createdBy: 'parley',
  });
  return new Uint8Array(buffer);
}

/** Writes one shard atomically. */
export async function writeParquetShard(
  file: string,
  conversations: readonly AcceptedConversation[],
): Promise<void> {
  await writeFileAtomic(file, conversationsToParquet(conversations));
}

function pad(value: number): string {
  return String(value).padStart(5, '0');
}
