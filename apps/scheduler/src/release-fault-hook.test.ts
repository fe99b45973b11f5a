import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writeFileAtomic } from '@parley/dataset';
import { afterEach, describe, expect, it } from 'vitest';
import { withReleaseFaultHook } from './release-fault-hook';

const folders: string[] = [];
afterEach(async () => {
  for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
});

async function writeThree(folder: string): Promise<void> {
  for (const name of ['a.jsonl', 'b.jsonl', 'c.jsonl']) await writeFileAtomic(path.join(folder, name), name);
}

describe('withReleaseFaultHook (test-only)', () => {
  it('kills right after the N-th file renamed into the run folder, and never without the variable', async () => {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'parley-fault-hook-'));
    folders.push(folder);
    const kills: number[] = [];
    const killed = new Error('killed');
    const kill = () => {
      kills.push((kills.at(-1) ?? 0) + 1);
      throw killed;
    };
    // A file outside the run folder does not count.
    const outside = await mkdtemp(path.join(os.tmpdir(), 'parley-fault-hook-outside-'));
    folders.push(outside);
    await expect(
      withReleaseFaultHook(
        folder,
        async () => {
          await writeFileAtomic(path.join(outside, 'x.txt'), 'x');
          await writeThree(folder);
        },
        { environment: { PARLEY_FAULT_KILL_DURING_RELEASE: '2' }, kill },
      ),
    ).rejects.toBe(killed);
    expect(kills).toEqual([1]);
    expect((await readdir(folder)).sort()).toEqual(['a.jsonl', 'b.jsonl']);

    // Unset: nothing happens, and the wrapper is gone after the hooked call.
    await withReleaseFaultHook(folder, () => writeThree(folder), { environment: {}, kill });
    await writeThree(folder);
    expect(kills).toEqual([1]);
  });

  it('rejects a value that is not a positive whole number', async () => {
    await expect(
      withReleaseFaultHook('/tmp', async () => 1, { environment: { PARLEY_FAULT_KILL_DURING_RELEASE: 'x' } }),
    ).rejects.toThrow(/PARLEY_FAULT_KILL_DURING_RELEASE: expected a positive whole number/);
  });
});
