import { access } from 'node:fs/promises';
import { type AcceptedConversation, acceptedConversationSchema, type Conversation } from '@parley/core';
import { exampleScore } from './example-score';
import { readLines } from './release/read-lines';

/**
 * The next iteration's few-shot pool: the best conversations of an iteration by example score,
 * a score every accepted conversation gets on one scale (ties by id, so the pool is
 * deterministic). Streams the iteration's accepted lines and keeps
 * only the best `size`, so a 100k-pair iteration costs no more memory than a small one. A
 * truncated last line is skipped; of repeated lines a crash may have left, the first copy
 * counts, as in the release.
 */
export async function bestOfIteration(file: string, size: number): Promise<Conversation[]> {
  const best: AcceptedConversation[] = [];
  const seen = new Set<string>();
  for await (const conversation of acceptedLines(file)) {
    if (seen.has(conversation.id)) continue;
    seen.add(conversation.id);
    const at = insertionIndex(best, conversation);
    if (at >= size) continue;
    best.splice(at, 0, conversation);
    if (best.length > size) best.pop();
  }
  return best.map(({ id, user1Persona, user2Persona, turns }) => ({ id, user1Persona, user2Persona, turns }));
}

/**
 * The distinct accepted conversations of an iteration file (first copy of each id), in file
 * order; with `limit`, only the first `limit` of them (the rest of the file is not read).
 */
export async function readAcceptedLines(
  file: string,
  limit = Number.POSITIVE_INFINITY,
): Promise<Map<string, AcceptedConversation>> {
  const byId = new Map<string, AcceptedConversation>();
  if (limit <= 0) return byId;
  for await (const conversation of acceptedLines(file)) {
    if (byId.has(conversation.id)) continue;
    byId.set(conversation.id, conversation);
    if (byId.size >= limit) break;
  }
  return byId;
}

/** Higher example score first (comparable across pairs, see exampleScore), then id. */
function compareBest(a: AcceptedConversation, b: AcceptedConversation): number {
  return exampleScore(b) - exampleScore(a) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Where `conversation` goes in `sorted` (after equals). */
function insertionIndex(sorted: readonly AcceptedConversation[], conversation: AcceptedConversation): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compareBest(sorted[middle] as AcceptedConversation, conversation) <= 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

async function* acceptedLines(file: string): AsyncGenerator<AcceptedConversation> {
  try {
    await access(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // the iteration accepted nothing
    throw error;
  }
  for await (const line of readLines(file)) yield* parsed(line.text);
}

function* parsed(line: string): Generator<AcceptedConversation> {
  if (!line.trim()) return;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return; // a truncated last line from a killed process
  }
  const result = acceptedConversationSchema.safeParse(value);
  if (result.success) yield result.data;
}
