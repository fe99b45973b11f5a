import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AcceptedConversation } from '@parley/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bestOfIteration, readAcceptedLines } from './example-pool';

let folder: string;
beforeEach(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'parley-pool-'));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

function accepted(id: string, judgeScore: number, text = 'hello'): AcceptedConversation {
  return {
    id,
    run: 'r1',
    iteration: 1,
    pair: `pair-${id}`,
    candidate: 0,
    user1Persona: ['I like tea.'],
    user2Persona: ['I like coffee.'],
    turns: [
      { speaker: 'user1', text },
      { speaker: 'user2', text: 'hi' },
    ],
    generator: { model: 'sim', fewShotIds: [], usage: { inputTokens: 10, outputTokens: 5 } },
    judgeScore,
    verdicts: [],
    usage: { inputTokens: 20, outputTokens: 8 },
  };
}

describe('bestOfIteration', () => {
  it('keeps the best by judge score, ties by id, first copy of a repeated id, skipping broken lines', async () => {
    const file = path.join(folder, '1.accepted.jsonl');
    const lines = [
      accepted('c', 0.5),
      accepted('a', 0.9),
      accepted('b', 0.7),
      accepted('d', 0.9),
      accepted('b', 0.99, 'a conflicting repeat'), // first copy counts
      accepted('e', 0.1),
    ].map((record) => JSON.stringify(record));
    await writeFile(file, `${lines.join('\n')}\n{"id":"trunc`);
    const pool = await bestOfIteration(file, 3);
    expect(pool.map((conversation) => conversation.id)).toEqual(['a', 'd', 'b']);
    expect(pool[2]?.turns[0]?.text).toBe('hello');
    expect(Object.keys(pool[0] ?? {}).sort()).toEqual(['id', 'turns', 'user1Persona', 'user2Persona']);
    expect((await bestOfIteration(file, 10)).map((conversation) => conversation.id)).toEqual([
      'a',
      'd',
      'b',
      'c',
      'e',
    ]);
    expect([...(await readAcceptedLines(file)).keys()]).toEqual(['c', 'a', 'b', 'd', 'e']);
  });

  it('gives an empty pool for an iteration that accepted nothing', async () => {
    expect(await bestOfIteration(path.join(folder, 'missing.jsonl'), 5)).toEqual([]);
    expect((await readAcceptedLines(path.join(folder, 'missing.jsonl'))).size).toBe(0);
  });
});
