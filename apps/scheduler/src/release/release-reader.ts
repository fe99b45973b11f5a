import path from 'node:path';
import {
  type AcceptedConversation,
  acceptedConversationSchema,
  type RejectedCandidate,
  rejectedCandidateSchema,
} from '@parley/core';
import type { z } from 'zod';
import { readJsonlRecords } from './read-jsonl-records';
import { RELEASE_PATHS } from './release-layout';

/**
 * Streams a release's accepted conversations (conversations.jsonl), in release order: iteration,
 * then pair id as people read it. Every line is validated; a bad one is an InputError naming
 * file:line. A conversation browser reads these two files and nothing else: each line carries
 * its split, pair and profile ids, and every expert's verdict with its rationale.
 */
export function readReleaseConversations(releaseFolder: string): AsyncGenerator<AcceptedConversation> {
  return readRecords(path.join(releaseFolder, RELEASE_PATHS.conversations), acceptedConversationSchema);
}

/**
 * Streams rejected.jsonl: every candidate that did not win (`filtered` with the expert that
 * dropped it, `lost-vote`, `failed`) with its reason, verdicts and conversation.
 */
export function readReleaseRejections(releaseFolder: string): AsyncGenerator<RejectedCandidate> {
  return readRecords(path.join(releaseFolder, RELEASE_PATHS.rejected), rejectedCandidateSchema);
}

async function* readRecords<T>(file: string, schema: z.ZodType<T>): AsyncGenerator<T> {
  for await (const { record } of readJsonlRecords(file, schema, { what: 'a valid record' })) yield record;
}

/** Every record of a generator, in order. */
export async function collect<T>(records: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const record of records) all.push(record);
  return all;
}
