import type { Conversation } from '@parley/core';
import { describe, expect, it } from 'vitest';
import { mergeOfflineMetrics } from './evaluation-report';
import { OfflineMeter, summarizeOfflineMeasures } from './offline-metrics';

const dogJazz: Conversation = {
  id: 'a',
  user1Persona: ['I have a dog.'],
  user2Persona: ['I like jazz.'],
  turns: [
    { speaker: 'user1', text: 'I have a dog' },
    { speaker: 'user2', text: 'I like jazz, jazz!' },
    // A stage direction: no speaker, no words counted.
    { speaker: null, text: '(The next day)' },
  ],
};
const rude: Conversation = {
  id: 'b',
  user1Persona: ['I am a chef.'],
  user2Persona: ['I swim.'],
  turns: [
    { speaker: 'user1', text: 'You idiot.' },
    { speaker: 'user2', text: 'Hello.' },
  ],
};
const copy: Conversation = { ...dogJazz, id: 'c' };
const empty: Conversation = { id: 'd', user1Persona: ['I sail.'], user2Persona: ['I knit.'], turns: [] };

async function measureAll(conversations: Conversation[], reference?: Conversation[]) {
  const meter = new OfflineMeter(reference ? { reference } : {});
  const measures = [];
  for (const conversation of conversations) measures.push(await meter.measure(conversation));
  return measures;
}

describe('offline metrics', () => {
  it('measures one conversation by hand', async () => {
    const [measure] = await measureAll([dogJazz]);
    // Words: i have a dog i like jazz jazz (8); unique 6; bigrams 7, all different.
    expect(measure).toEqual({
      id: 'a',
      turns: 2,
      words: 8,
      distinct1: 6 / 8,
      distinct2: 1,
      // "dog" and "jazz" are the content words of the personas, and each speaker said theirs.
      grounding: 1,
      toxic: false,
      nearDuplicate: false,
      seedCopy: null,
    });
  });

  it('summarises an iteration by hand', async () => {
    const reference: Conversation[] = [{ ...rude, id: 'seed-1' }];
    const summary = summarizeOfflineMeasures(await measureAll([dogJazz, rude, copy, empty], reference));
    expect(summary).toEqual({
      conversations: 4,
      emptyConversations: 1,
      turns: 6,
      words: 8 + 3 + 8,
      // Mean over the three conversations with words: (0.75 + 1 + 0.75) / 3.
      distinct1: 2.5 / 3,
      distinct2: 1,
      turnsPerConversation: 1.5,
      wordsPerTurn: 19 / 6,
      // 1 (a), 0 (b: neither "chef" nor "swim" said), 1 (c), 0 (d).
      grounding: 0.5,
      // "idiot" is on the word list.
      toxicityRate: 0.25,
      // c repeats a word for word.
      nearDuplicateRate: 0.25,
      // b is the reference's conversation.
      seedCopyRate: 0.25,
    });
  });

  it('merges iterations with each mean weighted by what it is a mean of', async () => {
    const first = summarizeOfflineMeasures(await measureAll([dogJazz, empty]));
    const second = summarizeOfflineMeasures(await measureAll([rude]));
    const merged = mergeOfflineMetrics([first, second]);
    const together = summarizeOfflineMeasures(await measureAll([dogJazz, empty, rude]));
    expect(merged).toEqual(together);
    expect(merged).toMatchObject({ conversations: 3, distinct1: (0.75 + 1) / 2, grounding: 1 / 3 });
  });

  it('has nothing to average over no conversations', () => {
    expect(summarizeOfflineMeasures([])).toMatchObject({
      conversations: 0,
      distinct1: null,
      turnsPerConversation: null,
      wordsPerTurn: null,
      toxicityRate: null,
      seedCopyRate: null,
    });
  });
});
