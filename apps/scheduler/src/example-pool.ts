import { readFile } from 'node:fs/promises';
import { type AcceptedConversation, acceptedConversationSchema, type Conversation } from '@parley/core';

/**
 * The next iteration's few-shot pool: the best conversations of an iteration by judge score
 * (ties by id, so the pool is deterministic). Reads the iteration's accepted lines, skipping a
 * truncated last line and repeated lines a crash may have left.
 */
export async function bestOfIteration(file: string, size: number): Promise<Conversation[]> {
  const accepted = await readAcceptedLines(file);
  return [...accepted.values()]
    .sort((a, b) => b.judgeScore - a.judgeScore || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .slice(0, size)
    .map(({ id, user1Persona, user2Persona, turns }) => ({ id, user1Persona, user2Persona, turns }));
}

export async function readAcceptedLines(file: string): Promise<Map<string, AcceptedConversation>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw error;
  }
  const byId = new Map<string, AcceptedConversation>();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      continue; // a truncated last line from a killed process
    }
    const result = acceptedConversationSchema.safeParse(parsed);
    if (result.success) byId.set(result.data.id, result.data);
  }
  return byId;
}
