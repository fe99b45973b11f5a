import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { conversationSchema } from '@parley/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AtomicFileWriter } from './atomic-file-writer';
import { AtomicJsonlWriter } from './atomic-jsonl-writer';
import { FixtureDirectory } from './testing/fixture-directory';
import { writeFileAtomic } from './write-file-atomic';

let fixtures: FixtureDirectory;
beforeEach(async () => {
  fixtures = await FixtureDirectory.create();
});
afterEach(async () => {
  await fixtures.remove();
});

describe('writeFileAtomic', () => {
  it('replaces a file whole and leaves no temp file', async () => {
    const target = await fixtures.write('manifest.json', 'old');
    await writeFileAtomic(target, '{"new":true}');
    expect(await readFile(target, 'utf8')).toBe('{"new":true}');
    await writeFileAtomic(target, new Uint8Array([104, 105]));
    expect(await readFile(target, 'utf8')).toBe('hi');
    expect(await fixtures.list()).toEqual(['manifest.json']);
  });

  it('removes its temp file when the rename fails, and leaves the target alone', async () => {
    // A non-empty folder under the target name: the temp file is written, the rename fails.
    const target = fixtures.file('release');
    await mkdir(target);
    await writeFile(`${target}/keep.txt`, 'keep');
    await expect(writeFileAtomic(target, 'x')).rejects.toThrow(/EISDIR|ENOTEMPTY|EEXIST/);
    expect(await readFile(`${target}/keep.txt`, 'utf8')).toBe('keep');
    expect(await fixtures.list()).toEqual(['release']);
  });
});

describe('AtomicFileWriter', () => {
  it('keeps the target untouched until commit, in order across many blocks', async () => {
    const target = await fixtures.write('big.txt', 'previous release');
    const writer = await AtomicFileWriter.create(target);
    const lines = Array.from({ length: 20_000 }, (_, index) => `line ${index} ${'x'.repeat(20)}\n`);
    await Promise.all(lines.map((line) => writer.write(line)));
    expect(await readFile(target, 'utf8')).toBe('previous release');
    expect((await fixtures.list()).length).toBe(2);
    await writer.commit();
    expect(await readFile(target, 'utf8')).toBe(lines.join(''));
    expect(await fixtures.list()).toEqual(['big.txt']);
    await expect(writer.write('late')).rejects.toThrow('cannot write, the writer is committed');
  });

  it('abort removes the temp file and keeps the old target', async () => {
    const target = await fixtures.write('kept.txt', 'old');
    const writer = await AtomicFileWriter.create(target);
    await writer.write('new data');
    await writer.abort();
    await writer.abort();
    expect(await readFile(target, 'utf8')).toBe('old');
    expect(await fixtures.list()).toEqual(['kept.txt']);
  });
});

describe('AtomicJsonlWriter', () => {
  it('writes one value a line, validating with a schema when given', async () => {
    const target = fixtures.file('conversations.jsonl');
    const writer = await AtomicJsonlWriter.create(target, { schema: conversationSchema });
    const conversation = {
      id: 'r.1.p1.0',
      user1Persona: ['I like rain.'],
      user2Persona: ['I hate\nrain.'],
      turns: [{ speaker: 'user1' as const, text: 'It is "pouring",\nlook.' }],
    };
    await writer.write(conversation);
    await expect(writer.write({ ...conversation, id: '' })).rejects.toThrow();
    expect(writer.count).toBe(1);
    await writer.commit();
    const lines = (await readFile(target, 'utf8')).split('\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0] ?? '')).toEqual(conversation);
  });
});
