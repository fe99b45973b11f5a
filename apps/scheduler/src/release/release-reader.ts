import path from 'node:path';
import {
  type AcceptedConversation,
  acceptedConversationSchema,
  InputError,
  type RejectedCandidate,
  rejectedCandidateSchema,
} from '@parley/core';
import type { z } from 'zod';
import { readLines } from './read-lines';
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
  for await (const line of readLines(file)) {
    if (line.text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line.text);
    } catch {
      throw new InputError(`${file}:${line.number}`, 'not JSON');
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError(
        `${file}:${line.number}`,
        `not a valid record: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`,
      );
    }
    yield parsed.data;
  }
}

/** Every record of a generator, in order. */
export async function collect<T>(records: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const record of records) all.push(record);
  return all;
}
