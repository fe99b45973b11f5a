import { mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InputError } from '@parley/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  syntheticConfig,
  syntheticReleaseInput,
  writeSyntheticWorkFiles,
} from '../../../../test/support/synthetic-run';
import { digestFile } from './file-digest';
import { type ReleaseManifest, readReleaseManifest } from './release-manifest';
import { verifyRelease } from './verify-release';
import { writeRelease } from './write-release';

const RUN = 'verify-run';
let output: string;
let runFolder: string;

beforeEach(async () => {
  output = await mkdtemp(path.join(tmpdir(), 'parley-verify-'));
  runFolder = path.join(output, RUN);
  const run = await writeSyntheticWorkFiles({ runFolder, runId: RUN, iterations: 2, pairsPerIteration: 30 });
  await writeRelease(
    syntheticReleaseInput(runFolder, RUN, syntheticConfig({ iterations: 2, pairs: 30 }), run.facts),
  );
});
afterEach(async () => {
  await rm(output, { recursive: true, force: true });
});

const file = (relative: string) => path.join(runFolder, ...relative.split('/'));

async function editManifest(edit: (manifest: ReleaseManifest) => void): Promise<void> {
  const manifest = JSON.parse(await readFile(file('manifest.json'), 'utf8')) as ReleaseManifest;
  edit(manifest);
  await writeFile(file('manifest.json'), JSON.stringify(manifest, null, 2));
}

/** Re-pins a file in the manifest after changing it, as a careless (or malicious) editor would. */
async function repin(relative: string): Promise<void> {
  const digest = await digestFile(file(relative));
  await editManifest((manifest) => {
    const entry = manifest.files.find((candidate) => candidate.path === relative);
    if (entry) Object.assign(entry, digest);
  });
}

describe('verifyRelease', () => {
  it('accepts the release as written', async () => {
    expect(await verifyRelease(runFolder)).toEqual({ ok: true, problems: [] });
  });

  it('catches a tampered file by its sha256 even when the size is unchanged', async () => {
    const text = await readFile(file('spc/train.csv'), 'utf8');
    await writeFile(file('spc/train.csv'), text.replace('User 2:', 'User 1:'));
    const result = await verifyRelease(runFolder);
    expect(result.ok).toBe(false);
    expect(
      result.problems.some((problem) => /^spc\/train\.csv: sha256 [0-9a-f]{64} does not match/.test(problem)),
    ).toBe(true);
    expect(result.problems.some((problem) => problem.includes('bytes'))).toBe(false);
  });

  it('catches a changed split even when the manifest was re-pinned to it', async () => {
    const text = await readFile(file('spc/train.csv'), 'utf8');
    await writeFile(file('spc/train.csv'), text.replace('User 2:', 'User 1:'));
    await repin('spc/train.csv');
    const result = await verifyRelease(runFolder);
    expect(result.problems).toEqual([
      expect.stringMatching(/^spc\/train\.csv: row \d+ is not conversation verify-run\.1\./),
    ]);
  });

  it('catches a conversation moved between splits', async () => {
    const train = await readFile(file('spc/train.csv'), 'utf8');
    const header = train.slice(0, train.indexOf('\n') + 1);
    const test = await readFile(file('spc/test.csv'), 'utf8');
    // Move test's rows into train: both files stay valid CSV, but the partition is wrong.
    await writeFile(file('spc/train.csv'), train + test.slice(header.length));
    await writeFile(file('spc/test.csv'), header);
    await repin('spc/train.csv');
    await repin('spc/test.csv');
    const result = await verifyRelease(runFolder);
    expect(result.ok).toBe(false);
    expect(
      result.problems.some((problem) => problem.startsWith('spc/train.csv:') && problem.includes('rows')),
    ).toBe(true);
    expect(result.problems.some((problem) => problem.startsWith('spc/test.csv: 0 rows'))).toBe(true);
  });

  it('catches a line moved to another split and a Parquet shard that is not its split', async () => {
    const text = await readFile(file('conversations.jsonl'), 'utf8');
    await writeFile(file('conversations.jsonl'), text.replace('"split":"train"', '"split":"test"'));
    await repin('conversations.jsonl');
    const shard = 'data/validation-00000-of-00001.parquet';
    const bytes = await readFile(file(shard));
    bytes[bytes.length - 20] = (bytes[bytes.length - 20] as number) ^ 1;
    await writeFile(file(shard), bytes);
    await repin(shard);
    const result = await verifyRelease(runFolder);
    expect(result.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^conversations\.jsonl:1: split is "test", the split rule gives "train"$/),
        `${shard}: is not the validation conversations of conversations.jsonl`,
      ]),
    );
  });

  it('catches an iteration file that is not its part of conversations.jsonl', async () => {
    const text = await readFile(file('iterations/1.jsonl'), 'utf8');
    await writeFile(file('iterations/1.jsonl'), text.slice(text.indexOf('\n') + 1));
    await repin('iterations/1.jsonl');
    expect((await verifyRelease(runFolder)).problems).toEqual([
      'iterations/1.jsonl: is not the iteration-1 part of conversations.jsonl',
    ]);
  });

  it("accepts parley eval's report beside a sealed release", async () => {
    await writeFile(file('eval.json'), '{"iterations":[]}\n');
    expect(await verifyRelease(runFolder)).toEqual({ ok: true, problems: [] });
  });

  it('catches extra, missing and duplicated records and files', async () => {
    await writeFile(file('notes.txt'), 'hello\n');
    await unlink(file('iterations/2.jsonl'));
    const conversations = await readFile(file('conversations.jsonl'), 'utf8');
    const firstLine = conversations.slice(0, conversations.indexOf('\n') + 1);
    await writeFile(file('conversations.jsonl'), conversations + firstLine);
    await repin('conversations.jsonl');
    const result = await verifyRelease(runFolder);
    expect(result.problems).toEqual(
      expect.arrayContaining([
        'iterations/2.jsonl: missing',
        'notes.txt: not part of the release (extra file)',
        expect.stringMatching(/^conversations\.jsonl: id verify-run\.1\.pair-1 appears twice$/),
        expect.stringMatching(/^conversations\.jsonl: \d+ conversations, the manifest counts \d+$/),
      ]),
    );
  });

  it('refuses a release whose manifest is missing, invalid or incomplete', async () => {
    await editManifest((manifest) => {
      manifest.complete = false;
    });
    expect((await verifyRelease(runFolder)).problems).toEqual(['manifest.json: says complete: false']);

    await editManifest((manifest) => {
      (manifest.files[0] as { path: string }).path = '../../etc/passwd';
    });
    expect((await verifyRelease(runFolder)).problems[0]).toMatch(
      /files\.0\.path: expected a relative path inside the run folder/,
    );

    await editManifest((manifest) => {
      (manifest as { files: unknown }).files = 'none';
    });
    await expect(readReleaseManifest(runFolder)).rejects.toThrow(InputError);
    expect((await verifyRelease(runFolder)).problems[0]).toMatch(
      /manifest\.json: not a valid release manifest: files:/,
    );

    await unlink(file('manifest.json'));
    const result = await verifyRelease(runFolder);
    expect(result).toEqual({ ok: false, problems: [expect.stringContaining('no manifest')] });
  });
});
