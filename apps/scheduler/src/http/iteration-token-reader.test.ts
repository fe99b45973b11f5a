import { appendFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RunFolder } from '../run-folder';
import { IterationTokenReader } from './iteration-token-reader';

const folders: string[] = [];
afterEach(async () => {
  for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
});

/** `<output>/run`: the run's work folder lands in `<output>/.parley-work/run`, removed with it. */
async function runFolder(): Promise<string> {
  const output = await mkdtemp(path.join(os.tmpdir(), 'parley-tokens-'));
  folders.push(output);
  const folder = path.join(output, 'run');
  await mkdir(folder);
  return folder;
}

const line = (value: object) => `${JSON.stringify(value)}\n`;
const usage = (inputTokens: number, outputTokens: number) => ({ inputTokens, outputTokens });

describe('IterationTokenReader', () => {
  it('counts each pair once: the accepted line (whole pair), else its rejected candidates', async () => {
    const root = await runFolder();
    const work = new RunFolder(root).workIterationsFolder;
    await mkdir(work, { recursive: true });
    await writeFile(
      path.join(work, '1.accepted.jsonl'),
      line({ iteration: 1, pair: 'a', candidate: 0, usage: usage(100, 10) }),
    );
    await writeFile(
      path.join(work, '1.rejected.jsonl'),
      // Pair a's losing candidate is inside a's accepted total; pair b had no winner.
      line({ iteration: 1, pair: 'a', candidate: 1, usage: usage(40, 4) }) +
        line({ iteration: 1, pair: 'b', candidate: 0, usage: usage(30, 3) }) +
        line({ iteration: 1, pair: 'b', candidate: 1, usage: usage(20, 2) }) +
        // A settle job retried after appending: the same line again.
        line({ iteration: 1, pair: 'b', candidate: 1, usage: usage(20, 2) }) +
        line({ iteration: 1, pair: 'c', candidate: null }) +
        '{"torn line',
    );
    const reader = new IterationTokenReader();
    expect(await reader.read(root, 2)).toEqual(
      new Map([[1, { inputTokens: 150, outputTokens: 15, pairs: 2 }]]),
    );

    // Lines keep coming (the torn line completes); only the new bytes are read.
    await appendFile(
      path.join(work, '1.rejected.jsonl'),
      `,"x":1}\n${line({ iteration: 1, pair: 'd', candidate: 0, usage: usage(5, 1) })}`,
    );
    await writeFile(
      path.join(work, '2.accepted.jsonl'),
      line({ iteration: 2, pair: 'a', candidate: 0, usage: usage(7, 7) }),
    );
    const later = await reader.read(root, 2);
    expect(later.get(1)).toEqual({ inputTokens: 155, outputTokens: 16, pairs: 3 });
    expect(later.get(2)).toEqual({ inputTokens: 7, outputTokens: 7, pairs: 1 });
  });

  it('reads a release once the work folder is gone', async () => {
    const root = await runFolder();
    await mkdir(path.join(root, 'iterations'));
    await writeFile(
      path.join(root, 'iterations', '1.jsonl'),
      line({ iteration: 1, pair: 'a', candidate: 0, usage: usage(100, 10) }),
    );
    await writeFile(
      path.join(root, 'rejected.jsonl'),
      line({ iteration: 1, pair: 'a', candidate: 1, usage: usage(40, 4) }) +
        line({ iteration: 2, pair: 'b', candidate: 0, usage: usage(30, 3) }),
    );
    const result = await new IterationTokenReader().read(root, 2);
    expect(result.get(1)).toEqual({ inputTokens: 100, outputTokens: 10, pairs: 1 });
    expect(result.get(2)).toEqual({ inputTokens: 30, outputTokens: 3, pairs: 1 });
  });

  it('starts over when a file shrinks, and knows nothing of a folder with no lines', async () => {
    const root = await runFolder();
    const reader = new IterationTokenReader();
    expect(await reader.read(root, 3)).toEqual(new Map());
    await mkdir(path.join(root, 'iterations'));
    const file = path.join(root, 'iterations', '1.jsonl');
    await writeFile(
      file,
      line({ iteration: 1, pair: 'a', usage: usage(100, 10) }) +
        line({ iteration: 1, pair: 'b', usage: usage(1, 1) }),
    );
    expect((await reader.read(root, 1)).get(1)?.pairs).toBe(2);
    await writeFile(file, line({ iteration: 1, pair: 'z', usage: usage(2, 2) }));
    expect((await reader.read(root, 1)).get(1)).toEqual({ inputTokens: 2, outputTokens: 2, pairs: 1 });
  });
});
