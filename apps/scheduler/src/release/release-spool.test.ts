import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReleaseSpool } from './release-spool';

let folder: string;

beforeEach(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'parley-spool-'));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('ReleaseSpool', () => {
  it('gives back every line as appended, in any order, across its read blocks', async () => {
    const spool = await ReleaseSpool.create(folder);
    // Multi-byte text and lines larger than a read block (1 MiB) included.
    const lines = Array.from({ length: 3_000 }, (_, index) =>
      index % 1_000 === 7
        ? `{"big":"${'é'.repeat(600_000)}${index}"}`
        : `{"n":${index},"text":"Grüße, 東京 ${'x'.repeat(index % 500)}"}`,
    );
    const positions = [];
    for (const line of lines) {
      positions.push(spool.append(line));
      await spool.flushIfFull();
    }
    const order = lines.map((_, index) => (index * 7_919) % lines.length);
    for (const index of order) expect(await spool.read(positions[index]!)).toBe(lines[index]);
    // In order as well, reading the same lines twice.
    for (const [index, line] of lines.entries()) expect(await spool.read(positions[index]!)).toBe(line);
    await spool.remove();
    expect(await readdir(folder)).toEqual([]);
  });

  it('removes spools an interrupted release left behind, and nothing else', async () => {
    await writeFile(path.join(folder, 'release-spool.123.abcdef.tmp'), 'left over');
    await writeFile(path.join(folder, 'notes.txt'), 'keep');
    const spool = await ReleaseSpool.create(folder);
    expect((await readdir(folder)).sort()).toEqual(['notes.txt', path.basename(spool.file)].sort());
    await spool.remove();
    await spool.remove();
    expect(await readdir(folder)).toEqual(['notes.txt']);
  });
});
