import { InputError } from '@parley/core';
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

const selfOriginal = [
  '1 your persona: i like to ski .',
  '2 your persona: my dog is named max .',
  "3 hi , how are you ?\ti'm great , just back from skiing .\t\tno thanks .|i'm great , just back from skiing .",
  '4 nice ! where did you go ?\tthe alps , max came too .\t\tyes .|the alps , max came too .',
  '1 your persona: i bake bread .',
  '2 __SILENCE__\thello , want some bread ?\t\tsure .|hello , want some bread ?',
  '3 yes please !\there you go .',
  '',
].join('\n');

describe('readSeed on ParlAI Persona-Chat text', () => {
  it('self_original: the partner (user 1) speaks the utterance, you (user 2) reply with the label', async () => {
    const file = await fixtures.write('train_self_original.txt', selfOriginal);
    const { records, report } = await readSeed(file).collect();
    expect(report.format).toBe('parlai-txt');
    expect(records.map((record) => [record.conversation.id, record.location.line])).toEqual([
      ['train_self_original-1', 1],
      ['train_self_original-2', 5],
    ]);
    expect(records[0]?.conversation).toEqual({
      id: 'train_self_original-1',
      user1Persona: [],
      user2Persona: ['i like to ski .', 'my dog is named max .'],
      turns: [
        { speaker: 'user1', text: 'hi , how are you ?' },
        { speaker: 'user2', text: "i'm great , just back from skiing ." },
        { speaker: 'user1', text: 'nice ! where did you go ?' },
        { speaker: 'user2', text: 'the alps , max came too .' },
      ],
    });
    expect(records[1]?.conversation.turns).toEqual([
      { speaker: 'user2', text: 'hello , want some bread ?' },
      { speaker: 'user1', text: 'yes please !' },
      { speaker: 'user2', text: 'here you go .' },
    ]);
    expect(records[1]?.quirks.map((quirk) => `${quirk.line} ${quirk.kind}`)).toEqual([
      '5 missing-persona',
      '6 silence-token',
      '6 starts-with-user2',
    ]);
    expect(report.quirks['missing-persona']).toMatchObject({ records: 2, occurrences: 2 });
  });

  it('both_original: partner persona lines become user 1', async () => {
    const file = await fixtures.write(
      'valid_both_original.txt',
      "1 your persona: i teach math .\n2 partner's persona: i fix bikes .\n3 hello\thi there\t\ta|hi there\n",
    );
    const { records } = await readSeed(file).collect();
    expect(records[0]?.conversation).toMatchObject({
      user1Persona: ['i fix bikes .'],
      user2Persona: ['i teach math .'],
    });
    expect(records[0]?.quirks).toEqual([]);
  });

  it('a truncated last line: strict names it, lenient skips that episode only', async () => {
    const file = await fixtures.write(
      'cut.txt',
      `${selfOriginal}1 your persona: i swim .\n2 hi there , do you sw`,
    );
    await expect(readSeed(file, { mode: 'strict' }).collect()).rejects.toThrow(
      new InputError(
        `${file}:9`,
        'expected "N utterance<TAB>label" (no label; a truncated line?) (episode starting at line 8)',
        { code: 'SEED_MALFORMED_LINE' },
      ),
    );
    const { records, report } = await readSeed(file).collect();
    expect(records).toHaveLength(2);
    expect(report.skipped['malformed-line']).toMatchObject({ count: 1, samples: [{ line: 9 }] });
  });

  it('counts numbering gaps, rejects a persona line inside the dialogue and invalid UTF-8', async () => {
    const text = Buffer.concat([
      Buffer.from('1 your persona: a .\n2 hi\tho\n4 skip\tped\n'),
      Buffer.from('1 your persona: b .\n2 hi\tho\n3 your persona: late .\n'),
      Buffer.from('1 your persona: c .\n2 caf'),
      Buffer.from([0xe9]),
      Buffer.from('\tno\n'),
      Buffer.from('1 no label here\n'),
    ]);
    const file = await fixtures.write('mixed.txt', text);
    const { records, report } = await readSeed(file).collect();
    expect(records.map((record) => record.conversation.id)).toEqual(['mixed-1']);
    expect(records[0]?.quirks.filter((quirk) => quirk.kind === 'line-number-gap')).toEqual([
      { kind: 'line-number-gap', line: 3, detail: '2 then 4' },
    ]);
    expect(report.skipped['malformed-line']?.samples.map((sample) => [sample.line, sample.message])).toEqual([
      [6, 'a persona line after the dialogue started (episode starting at line 4)'],
      [9, 'expected "N utterance<TAB>label" (no label; a truncated line?) (episode starting at line 9)'],
    ]);
    expect(report.skipped['invalid-utf8']).toMatchObject({ count: 1, samples: [{ line: 8 }] });
  });
});
