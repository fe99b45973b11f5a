import type { Conversation } from '@parley/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readSeed } from './read-seed';
import { SpcCsvWriter } from './spc-csv-writer';
import { FixtureDirectory, SPC_TEST_CSV } from './testing/fixture-directory';
import { toSpcCsv } from './to-spc-csv';

let fixtures: FixtureDirectory;
beforeEach(async () => {
  fixtures = await FixtureDirectory.create();
});
afterEach(async () => {
  await fixtures.remove();
});

async function readBack(file: string): Promise<Conversation[]> {
  const { records } = await readSeed(file, { mode: 'strict' }).collect();
  return records.map((record) => record.conversation);
}

describe('SPC CSV export', () => {
  it('reads back hostile text unchanged: quotes, commas, prefixes inside turns, null speakers', async () => {
    const hostile: Conversation[] = [
      {
        id: 'hostile-1',
        user1Persona: ['I say "hello", always.', 'My motto: "User 2: no".'],
        user2Persona: ['I, too, like commas,,,'],
        turns: [
          { speaker: 'user2', text: 'User 1: is what you said, "right"?' },
          { speaker: null, text: '(The next day)' },
          { speaker: 'user1', text: '"Quoted" start and end "' },
          { speaker: 'user2', text: 'User 2: twice' },
          { speaker: 'user1', text: '' },
          { speaker: null, text: '* * *' },
          { speaker: 'user1', text: 'tab\tinside; ünïcødé 🎉' },
        ],
      },
      { id: 'hostile-2', user1Persona: [], user2Persona: ['I am alone.'], turns: [] },
    ];
    const file = fixtures.file('hostile.csv');
    const writer = await SpcCsvWriter.create(file);
    for (const conversation of hostile) await writer.write(conversation);
    expect(writer.count).toBe(2);
    await writer.commit();
    expect(await readBack(file)).toEqual(hostile);
  });

  it('joins line breaks inside a turn or persona sentence (the format is one line a turn)', async () => {
    const file = fixtures.file('breaks.csv');
    const writer = await SpcCsvWriter.create(file);
    await writer.write({
      id: 'breaks-1',
      user1Persona: ['I write\npoems.'],
      user2Persona: ['I read.'],
      turns: [
        { speaker: 'user1', text: 'Roses are red,\nviolets are blue.' },
        { speaker: 'user2', text: 'Nice.\r\n\r\nVery nice.' },
      ],
    });
    await writer.commit();
    expect(await readBack(file)).toEqual([
      {
        id: 'breaks-1',
        user1Persona: ['I write poems.'],
        user2Persona: ['I read.'],
        turns: [
          { speaker: 'user1', text: 'Roses are red, violets are blue.' },
          { speaker: 'user2', text: 'Nice. Very nice.' },
        ],
      },
    ]);
  });

  it('round-trips the real test split: reading our export gives the same 968 conversations', async () => {
    const { records } = await readSeed(SPC_TEST_CSV).collect();
    const conversations = records.map((record) => record.conversation);
    // Same file name, so the ids (file stem + record number) match too.
    const file = await fixtures.write('Synthetic-Persona-Chat_test.csv', toSpcCsv(conversations));
    const again = await readSeed(file, { mode: 'strict' }).collect();
    expect(again.records.map((record) => record.conversation)).toEqual(conversations);
    // What the export normalised is gone: blank lines and prefix variants.
    expect(again.report.quirks['blank-line']).toBeUndefined();
    expect(again.report.quirks['speaker-prefix-variant']).toBeUndefined();
    expect(again.report.quirks['unprefixed-line']?.occurrences).toBe(101);
  });
});
