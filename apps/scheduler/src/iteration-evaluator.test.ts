import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readForEvaluation } from './iteration-evaluator';
import { RunFolder } from './run-folder';
import { acceptedConversation } from './test-fixtures';

let folder: RunFolder;
beforeEach(async () => {
  folder = new RunFolder(await mkdtemp(path.join(tmpdir(), 'parley-evaluator-')));
  await mkdir(path.dirname(folder.acceptedLines(1)), { recursive: true });
  for (const iteration of [1, 2]) {
    const lines = ['a', 'b', 'c'].map((name) =>
      JSON.stringify(acceptedConversation(`${iteration}-${name}`, 0.5, 'hello', iteration)),
    );
    await writeFile(folder.acceptedLines(iteration), `${lines.join('\n')}\n`);
  }
});
afterEach(async () => {
  await rm(folder.root, { recursive: true, force: true });
});

describe('readForEvaluation', () => {
  it('reads the iteration and the earlier ones, at most `limit` of each, as `parley eval --limit` does', async () => {
    const ids = (conversations: Array<{ id: string }>) =>
      conversations.map((conversation) => conversation.id);
    const all = await readForEvaluation(folder, 2);
    expect(ids(all.current)).toEqual(['2-a', '2-b', '2-c']);
    expect(ids(all.earlier)).toEqual(['1-a', '1-b', '1-c']);
    const limited = await readForEvaluation(folder, 2, 2);
    expect(ids(limited.current)).toEqual(['2-a', '2-b']);
    expect(ids(limited.earlier)).toEqual(['1-a', '1-b']);
    expect((await readForEvaluation(folder, 1, 2)).earlier).toEqual([]);
  });
});
