import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileCacheStore } from './file-cache-store';

const folders: string[] = [];
afterEach(async () => {
  for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
});

async function freshFolder(): Promise<string> {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'parley-cache-'));
  folders.push(folder);
  return folder;
}

const key = (digit: string) => digit.repeat(64);
const DAY = 86_400_000;

describe('FileCacheStore', () => {
  it('writes an entry under its key and reads it back; a missing key is a miss', async () => {
    const dir = await freshFolder();
    const store = new FileCacheStore({ dir, maxBytes: 1_000_000, maxAgeMs: DAY });
    await store.write(key('a'), '{"x":1}');
    expect(await store.read(key('a'))).toBe('{"x":1}');
    expect(await store.read(key('b'))).toBeUndefined();
    expect(await readdir(path.join(dir, 'v2', 'aa'))).toEqual([`${key('a')}.json`]);
    await store.settled();
  });

  it('refuses a key that is not a content hash (no path can be named through it)', async () => {
    const store = new FileCacheStore({ dir: await freshFolder(), maxBytes: 1_000, maxAgeMs: DAY });
    await expect(store.write('../../etc/passwd', 'x')).rejects.toThrow(/64 hex digits/);
  });

  it('leaves one complete entry when many writers write one key at once', async () => {
    const dir = await freshFolder();
    const writers = Array.from(
      { length: 8 },
      () => new FileCacheStore({ dir, maxBytes: 10_000_000, maxAgeMs: DAY }),
    );
    const texts = writers.map((_, index) => JSON.stringify({ writer: index, filler: 'x'.repeat(200_000) }));
    await Promise.all(writers.map((writer, index) => writer.write(key('c'), texts[index]!)));
    const stored = await writers[0]!.read(key('c'));
    expect(texts).toContain(stored);
    expect(await readdir(path.join(dir, 'v2', 'cc'))).toEqual([`${key('c')}.json`]);
    await Promise.all(writers.map((writer) => writer.settled()));
  });

  it('serves no entry older than the age bound, even one read often, and pruning removes it', async () => {
    const dir = await freshFolder();
    let now = Date.now();
    const store = new FileCacheStore({ dir, maxBytes: 1_000_000, maxAgeMs: 2 * DAY, now: () => now });
    await store.write(key('d'), 'old');
    await store.settled();
    now += DAY;
    expect(await store.read(key('d'))).toBe('old'); // a hit does not make it younger
    now += 1.5 * DAY;
    expect(await store.read(key('d'))).toBeUndefined();
    const report = await store.prune();
    expect(report.removedExpired).toBe(1);
    expect(await readdir(path.join(dir, 'v2', 'dd'))).toEqual([]);
  });

  it('prunes the least recently used entries down to 90 % of the size bound', async () => {
    const dir = await freshFolder();
    // Written through a store with room for all six, so no background prune (which a write
    // starts once a tenth of the bound is written) removes any before the test ages them.
    const writer = new FileCacheStore({ dir, maxBytes: 1_000_000, maxAgeMs: 30 * DAY });
    const digits = ['1', '2', '3', '4', '5', '6'];
    for (const digit of digits) await writer.write(key(digit), 'x'.repeat(2_000));
    await writer.settled();
    const store = new FileCacheStore({ dir, maxBytes: 10_000, maxAgeMs: 30 * DAY });
    // Written in order a minute apart; entry 1 was read last, so it is the most recently used.
    const start = Date.now() - 3_600_000;
    for (const [index, digit] of digits.entries()) {
      const file = path.join(dir, 'v2', `${digit}${digit}`, `${key(digit)}.json`);
      const written = new Date(start + index * 60_000);
      await utimes(file, written, written);
    }
    await store.read(key('1'));
    const report = await store.prune();
    expect(report.removedForSize).toBe(2);
    expect(report.keptBytes).toBeLessThanOrEqual(9_000);
    expect(await store.read(key('1'))).toBe('x'.repeat(2_000));
    expect(await store.read(key('2'))).toBeUndefined();
    expect(await store.read(key('3'))).toBeUndefined();
    expect(await store.read(key('6'))).toBe('x'.repeat(2_000));
  });

  it('removes a temporary file a killed writer left behind, once it is stale', async () => {
    const dir = await freshFolder();
    const store = new FileCacheStore({ dir, maxBytes: 1_000_000, maxAgeMs: DAY });
    await store.write(key('e'), 'kept');
    await store.settled();
    const leftover = path.join(dir, 'v2', 'ee', `${key('e')}.json.123.abcd.tmp`);
    await writeFile(leftover, 'half');
    const old = new Date(Date.now() - 2 * 3_600_000);
    await utimes(leftover, old, old);
    await store.prune();
    await expect(stat(leftover)).rejects.toThrow(/ENOENT/);
    expect(await readFile(path.join(dir, 'v2', 'ee', `${key('e')}.json`), 'utf8')).toBe('kept');
  });
});
