import { InputError } from '@parley/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readSeed } from './read-seed';
import { FixtureDirectory, SPC_TEST_CSV } from './testing/fixture-directory';

const HEADER = 'user 1 personas,user 2 personas,Best Generated Conversation\n';

let fixtures: FixtureDirectory;
beforeEach(async () => {
  fixtures = await FixtureDirectory.create();
});
afterEach(async () => {
  await fixtures.remove();
});

/** The InputError a strict read throws (records before it are read first). */
async function strictError(file: string): Promise<InputError> {
  try {
    await readSeed(file, { mode: 'strict' }).collect();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('expected the strict read to fail');
}

describe('readSeed on Synthetic-Persona-Chat CSV', () => {
  it('reads multi-line cells, keeps odd lines and counts every quirk where it is', async () => {
    const file = await fixtures.write(
      'quirky.csv',
      HEADER +
        '"I like tea.\nI own a cat.","I run marathons.\nI am a nurse.","User 2: Hi there.\n' + // lines 2-4
        'User 1 : Hello!\n' + // 5
        '\n' + // 6
        '(The next day)\n' + // 7
        "User1: I'm [User 1's name].\n" + // 8
        '* * User 2: * * Nice to meet you, (name).\n' + // 9
        'User 1:"\n' + // 10
        '"I sing.","I paint.",""\n', // 11
    );
    const { records, report } = await readSeed(file).collect();
    expect(report.format).toBe('spc-csv');
    expect(report.formatDetected).toBe(true);
    expect(records.map((record) => [record.conversation.id, record.location.line])).toEqual([
      ['quirky-1', 2],
      ['quirky-2', 11],
    ]);
    const [first, second] = records;
    expect(first?.conversation).toEqual({
      id: 'quirky-1',
      user1Persona: ['I like tea.', 'I own a cat.'],
      user2Persona: ['I run marathons.', 'I am a nurse.'],
      turns: [
        { speaker: 'user2', text: 'Hi there.' },
        { speaker: 'user1', text: 'Hello!' },
        { speaker: null, text: '(The next day)' },
        { speaker: 'user1', text: "I'm [User 1's name]." },
        { speaker: 'user2', text: 'Nice to meet you, (name).' },
        { speaker: 'user1', text: '' },
      ],
    });
    expect(first?.quirks.map((quirk) => `${quirk.line} ${quirk.kind} ${quirk.detail ?? ''}`.trim())).toEqual([
      '4 starts-with-user2',
      '5 speaker-prefix-variant User 1 :',
      '6 blank-line',
      '7 unprefixed-line (The next day)',
      '7 stage-direction (The next day)',
      '8 speaker-prefix-variant User1:',
      '8 consecutive-speaker user1',
      "8 placeholder [User 1's name]",
      '9 speaker-prefix-variant * * User 2: * *',
      '9 placeholder (name)',
      '10 empty-turn user1',
    ]);
    expect(second?.conversation.turns).toEqual([]);
    expect(second?.quirks).toEqual([{ kind: 'empty-conversation', line: 11 }]);
    expect(report.recordsRead).toBe(2);
    expect(report.quirks['speaker-prefix-variant']).toMatchObject({ records: 1, occurrences: 3 });
    expect(report.quirks['empty-conversation']).toMatchObject({ records: 1, occurrences: 1 });
    expect(report.complete).toBe(true);
  });

  it('gives the same result for CRLF line endings and a BOM', async () => {
    const text = `${HEADER}"a.\nb.","c.\nd.","User 1: one\nUser 2: two"\n"e.","f.","User 1: three"\n`;
    const lf = await readSeed(await fixtures.write('lf.csv', text)).collect();
    const crlf = await readSeed(
      await fixtures.write('lf.csv', `\uFEFF${text.replace(/\n/g, '\r\n')}`),
    ).collect();
    expect(crlf.records).toEqual(lf.records);
    expect(crlf.records.map((record) => record.location.line)).toEqual([2, 6]);
  });

  it('names a missing column, and a column whose case differs, in every mode', async () => {
    const file = await fixtures.write(
      'columns.csv',
      'user 1 personas,User 2 personas,conversation\n"a.","b.","User 1: hi"\n',
    );
    const error = await strictError(file);
    expect(error.message).toBe(
      `${file}:1: missing columns "user 2 personas" (found "User 2 personas"; names are case-sensitive), "Best Generated Conversation"; the header has "user 1 personas", "User 2 personas", "conversation"`,
    );
    expect(error.code).toBe('SEED_MISSING_COLUMN');
    await expect(readSeed(file).collect()).rejects.toThrow(`${file}:1: missing columns`);
  });

  it('ignores extra columns and reads the three SPC columns by name', async () => {
    const file = await fixtures.write(
      'extra.csv',
      'index,Best Generated Conversation,user 2 personas,user 1 personas\n7,"User 1: hi\nUser 2: hello","b.","a."\n',
    );
    const { records } = await readSeed(file).collect();
    expect(records[0]?.conversation).toMatchObject({ user1Persona: ['a.'], user2Persona: ['b.'] });
    expect(records[0]?.conversation.turns).toHaveLength(2);
  });

  it('an unclosed quote: strict names the record, lenient skips it, counts it and reads on', async () => {
    const file = await fixtures.write(
      'unclosed.csv',
      HEADER +
        '"a.","b.","User 1: hi"\n' + // 2
        '"c.","d.","User 1: oh\n' + // 3: the conversation cell is never closed...
        '"e.","f.","User 2: x"\n' + // 4: ...so this quote ends it and "e" is garbage
        '"g.","h.","User 1: fine"\n', // 5
    );
    const error = await strictError(file);
    expect(error.message).toBe(
      `${file}:3: a quoted field ends and is followed by "e" instead of a comma or line break (noticed at line 4); an unescaped quote (write "") or a quote left open`,
    );
    expect(error.code).toBe('SEED_INVALID_QUOTE');

    const { records, report } = await readSeed(file).collect();
    expect(records.map((record) => record.conversation.turns[0]?.text)).toEqual(['hi', 'fine']);
    expect(report.skipped['invalid-quote']).toEqual({
      count: 1,
      samples: [{ file, line: 3, message: expect.stringContaining('followed by "e"') }],
    });
    expect(report.recordsSkipped).toBe(1);
  });

  it('a quote left open to the end of the file (a truncated last record)', async () => {
    const file = await fixtures.write(
      'cut.csv',
      `${HEADER}"a.","b.","User 1: hi"\n"c.","d.","User 1: oh\nUser 2: we`,
    );
    const error = await strictError(file);
    expect(error.message).toBe(
      `${file}:3: unclosed quote: a quoted field of this record is still open at the end of the file (noticed at line 4); an unclosed quote or a truncated file`,
    );
    const { records, report } = await readSeed(file).collect();
    expect(records).toHaveLength(1);
    expect(report.skipped['unclosed-quote']?.count).toBe(1);
    expect(report.skipped['unclosed-quote']?.samples[0]?.line).toBe(3);
  });

  it('a last record cut between fields, and a row with the wrong number of fields', async () => {
    const file = await fixtures.write('fields.csv', `${HEADER}"a.","b."\n"c.","d.","User 1: ok"\n"e.","f."`);
    const error = await strictError(file);
    expect(error.message).toBe(`${file}:2: 2 fields, expected 3 (a missing delimiter or a truncated record)`);
    expect(error.code).toBe('SEED_WRONG_FIELD_COUNT');
    const { records, report } = await readSeed(file).collect();
    expect(records.map((record) => record.conversation.id)).toEqual(['fields-2']);
    expect(report.skipped['wrong-field-count']?.count).toBe(2);
    expect(report.skipped['wrong-field-count']?.samples.map((sample) => sample.line)).toEqual([2, 4]);
  });

  it('invalid UTF-8: strict stops at its line, lenient drops only that record', async () => {
    const before = Buffer.from(`${HEADER}"a.","b.","User 1: one"\n"c.","d.","User 1: t`);
    const after = Buffer.from('wo\nUser 2: three"\n"e.","f.","User 1: four"\n');
    const file = await fixtures.write('bytes.csv', Buffer.concat([before, Buffer.from([0xc3, 0x28]), after]));
    const error = await strictError(file);
    expect(error.message).toBe(`${file}:3: invalid UTF-8 in the record starting at line 3`);
    expect(error.code).toBe('SEED_INVALID_UTF8');
    const { records, report } = await readSeed(file).collect();
    expect(records.map((record) => record.conversation.id)).toEqual(['bytes-1', 'bytes-3']);
    expect(report.skipped['invalid-utf8']).toMatchObject({ count: 1, samples: [{ line: 3 }] });
  });

  it('an empty file is an error in every mode', async () => {
    const empty = await fixtures.write('empty.csv', '');
    await expect(readSeed(empty).collect()).rejects.toThrow(`${empty}:1: the file is empty`);
    await expect(readSeed(empty, { mode: 'strict', format: 'spc-csv' }).collect()).rejects.toThrow(
      `${empty}:1: the file is empty`,
    );
    const blank = await fixtures.write('blank.csv', '\n  \n');
    await expect(readSeed(blank, { format: 'spc-csv' }).collect()).rejects.toThrow(
      `${blank}:1: the file is empty (only whitespace)`,
    );
  });

  it('a header and no rows is a valid, empty seed', async () => {
    const { records, report } = await readSeed(await fixtures.write('header.csv', HEADER)).collect();
    expect(records).toEqual([]);
    expect(report).toMatchObject({ recordsRead: 0, recordsSkipped: 0, complete: true });
  });

  it('reads the real test split: 968 conversations and its quirks', async () => {
    const reader = readSeed(SPC_TEST_CSV, { mode: 'strict' });
    const ids = new Set<string>();
    let turns = 0;
    for await (const { conversation } of reader) {
      ids.add(conversation.id);
      turns += conversation.turns.length;
    }
    const { report } = reader;
    expect(report.recordsRead).toBe(968);
    expect(ids.size).toBe(968);
    expect(turns).toBe(26644);
    const counts = Object.fromEntries(
      Object.entries(report.quirks).map(([kind, summary]) => [kind, [summary.records, summary.occurrences]]),
    );
    expect(counts).toEqual({
      'blank-line': [57, 1099],
      'unprefixed-line': [21, 101],
      'speaker-prefix-variant': [1, 26],
      'empty-conversation': [1, 1],
      'consecutive-speaker': [18, 27],
      placeholder: [392, 921],
      'stage-direction': [15, 39],
    });
    expect(report.quirks['empty-conversation']?.samples[0]?.line).toBe(18159);
    expect(report.recordsSkipped).toBe(0);
  });

  it('stops at the limit', async () => {
    const reader = readSeed(SPC_TEST_CSV, { limit: 3 });
    const { records, report } = await reader.collect();
    expect(records.map((record) => record.conversation.id)).toEqual([
      'Synthetic-Persona-Chat_test-1',
      'Synthetic-Persona-Chat_test-2',
      'Synthetic-Persona-Chat_test-3',
    ]);
    expect(report).toMatchObject({ recordsRead: 3, limitReached: true, complete: true });
  });
});
