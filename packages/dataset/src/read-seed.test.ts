import { ConfigError, InputError } from '@parley/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readSeed } from './read-seed';
import { FixtureDirectory } from './testing/fixture-directory';

let fixtures: FixtureDirectory;
beforeEach(async () => {
  fixtures = await FixtureDirectory.create();
});
afterEach(async () => {
  await fixtures.remove();
});

const csv =
  'user 1 personas,user 2 personas,Best Generated Conversation\n"a.","b.","User 1: hi\nUser 2: hello"\n';

describe('readSeed', () => {
  it('detects the format from content, whatever the extension, and lets the caller override it', async () => {
    const file = await fixtures.write('misnamed.jsonl', csv);
    const detected = readSeed(file);
    expect(await detected.collect()).toMatchObject({
      report: { format: 'spc-csv', formatDetected: true, recordsRead: 1 },
    });
    const forced = readSeed(file, { format: 'parley-jsonl' });
    const { report } = await forced.collect();
    expect(report).toMatchObject({ format: 'parley-jsonl', formatDetected: false, recordsRead: 0 });
    expect(report.skipped['invalid-json']?.count).toBe(3);
  });

  it('fills the report while reading and iterates once', async () => {
    const reader = readSeed(await fixtures.write('one.csv', csv));
    expect(reader.report).toMatchObject({ format: null, recordsRead: 0, complete: false });
    for await (const record of reader) {
      expect(record.conversation.id).toBe('one-1');
      expect(reader.report.recordsRead).toBe(1);
      expect(reader.report.complete).toBe(false);
    }
    expect(reader.report.complete).toBe(true);
    await expect(reader.collect()).rejects.toThrow('a SeedReader reads once');
  });

  it('fails with the file named when the file is missing or the format is unknown', async () => {
    const missing = fixtures.file('nope.csv');
    await expect(readSeed(missing).collect()).rejects.toThrow(
      new RegExp(`^${missing}: cannot read the seed file \\(ENOENT`),
    );
    const prose = await fixtures.write('prose.txt', 'Dear diary\nToday was fine\n');
    const error = await readSeed(prose)
      .collect()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toBe(
      `${prose}:1: cannot tell the format from the content (first line: "Dear diary"); name it with format (spc-csv, parlai-txt, hf-json, parley-jsonl)`,
    );
  });

  it('rejects invalid options before reading', () => {
    expect(() => readSeed('x', { limit: 0 })).toThrow(ConfigError);
    expect(() => readSeed('x', { format: 'xml' as 'auto' })).toThrow(/format: expected one of auto, spc-csv/);
  });
});
