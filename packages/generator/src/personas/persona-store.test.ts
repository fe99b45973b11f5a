import { appendFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JsonlPersonaStore } from './persona-store';

describe('JsonlPersonaStore', () => {
  let folder: string;
  beforeEach(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'parley-personas-'));
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('keeps chunk outputs across instances and skips a torn last line', async () => {
    const store = new JsonlPersonaStore(folder);
    await Promise.all([
      store.writeChunk('induce-queries', 'induce-queries-0000', { inputHash: 'h0', output: { n: 0 } }),
      store.writeChunk('induce-queries', 'induce-queries-0001', { inputHash: 'h1', output: { n: 1 } }),
    ]);
    await appendFile(
      path.join(folder, 'chunks', 'induce-queries.jsonl'),
      '{"chunkId":"induce-queries-0002","inp',
    );
    const reopened = new JsonlPersonaStore(folder);
    expect(await reopened.readChunk('induce-queries', 'induce-queries-0001')).toEqual({
      inputHash: 'h1',
      output: { n: 1 },
    });
    expect(await reopened.readChunk('induce-queries', 'induce-queries-0002')).toBeUndefined();
    expect(await reopened.readChunk('bootstrap-personas', 'x')).toBeUndefined();
  });

  it('replaces record files atomically, one JSON object a line', async () => {
    const store = new JsonlPersonaStore(folder);
    await store.writeRecords('profiles', [{ id: 'profile-1' }, { id: 'profile-2' }]);
    await store.writeRecords('profiles', [{ id: 'profile-3' }]);
    expect(await readFile(path.join(folder, 'profiles.jsonl'), 'utf8')).toBe('{"id":"profile-3"}\n');
    expect((await readdir(folder)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});
