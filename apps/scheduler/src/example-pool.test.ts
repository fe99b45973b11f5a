import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bestOfIteration, readAcceptedLines } from './example-pool';
import { acceptedConversation as accepted } from './test-fixtures';

let folder: string;
beforeEach(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'parley-pool-'));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

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
    // A limit counts distinct conversations, in file order.
    expect([...(await readAcceptedLines(file, 4)).keys()]).toEqual(['c', 'a', 'b', 'd']);
  });

  it('gives an empty pool for an iteration that accepted nothing', async () => {
    expect(await bestOfIteration(path.join(folder, 'missing.jsonl'), 5)).toEqual([]);
    expect((await readAcceptedLines(path.join(folder, 'missing.jsonl'))).size).toBe(0);
  });
});
