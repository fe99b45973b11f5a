import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunFolder } from '../run-folder';
import { readWorkRecords } from './read-work-records';
import { ReleaseSpool } from './release-spool';

let output: string;
let runFolder: RunFolder;
let work: string;
let spool: ReleaseSpool;

beforeEach(async () => {
  output = await mkdtemp(path.join(tmpdir(), 'parley-work-'));
  runFolder = new RunFolder(path.join(output, 'r1'));
  work = runFolder.workIterationsFolder;
  await mkdir(work, { recursive: true });
  spool = await ReleaseSpool.create(runFolder.workFolder);
});
afterEach(async () => {
  await spool.remove();
  await rm(output, { recursive: true, force: true });
});

const rejected = (pair: string, candidate: number | null, outcome: string, reason = 'r') =>
  JSON.stringify({ run: 'r1', iteration: 1, pair, candidate, outcome, reason, verdicts: [] });

describe('readWorkRecords', () => {
  it('keeps the first copy of a repeated key, counts conflicts, and skips blank and broken lines', async () => {
    await writeFile(
      path.join(work, '1.rejected.jsonl'),
      [
        rejected('a', 0, 'filtered'),
        '',
        rejected('a', 0, 'filtered'),
        rejected('a', 0, 'filtered', 'other reason'),
        rejected('a', 0, 'lost-vote'),
        rejected('b', null, 'failed'),
        '{"run":"r1","iter', // a fragment in the middle, followed by a newline: corrupt
        rejected('c', 1, 'failed'),
      ].join('\n'),
    );
    const records = await readWorkRecords(runFolder, 'r1', spool);
    const lines = await Promise.all(records.rejected.map(({ line }) => spool.read(line)));
    expect(
      lines.map((json) => {
        const record = JSON.parse(json);
        return `${record.pair}.${record.candidate}.${record.outcome}.${record.reason}`;
      }),
    ).toEqual(['a.0.filtered.r', 'a.0.lost-vote.r', 'b.null.failed.r', 'c.1.failed.r']);
    expect(records.rejectedStats).toEqual({
      files: 1,
      lines: 7,
      records: 4,
      duplicates: 2,
      conflictingDuplicates: 1,
      truncatedLines: 0,
      recoveredLines: 0,
      corruptLines: 1,
    });
    expect(records.problems).toEqual([
      '.parley-work/r1/iterations/1.rejected.jsonl:4: repeats r1.1.a.0|filtered with different content; the first copy was kept',
      '.parley-work/r1/iterations/1.rejected.jsonl:7: not JSON, left out',
    ]);
    expect(records.iterations).toEqual([1]);
  });

  it('reads nothing from a run without work files', async () => {
    await rm(runFolder.workIterationsFolder, { recursive: true });
    const records = await readWorkRecords(runFolder, 'r1', spool);
    expect(records.accepted).toEqual([]);
    expect(records.iterations).toEqual([]);
  });

  it('names file and line of a record that is not valid or is in the wrong file', async () => {
    await writeFile(path.join(work, '2.rejected.jsonl'), `${rejected('a', 0, 'filtered')}\n`);
    await expect(readWorkRecords(runFolder, 'r1', spool)).rejects.toThrow(
      '.parley-work/r1/iterations/2.rejected.jsonl:1: says iteration 1 in the file of iteration 2',
    );
    await writeFile(path.join(work, '2.rejected.jsonl'), `${rejected('a', 0, 'exploded')}\n`);
    await expect(readWorkRecords(runFolder, 'r1', spool)).rejects.toThrow(
      /2\.rejected\.jsonl:1: not a valid record: outcome:/,
    );
  });
});
