import type { Conversation } from '@parley/core';
import { ID_PATTERN } from '@parley/core';
import { describe, expect, it } from 'vitest';
import { collectSeedAttributes } from './seed-attributes';
import { seedPairsFromConversations } from './seed-pairs-from-conversations';

const conversation = (id: string, user1: string[], user2: string[]): Conversation => ({
  id,
  user1Persona: user1,
  user2Persona: user2,
  turns: [{ speaker: 'user1', text: 'Hi!' }],
});

describe('seedPairsFromConversations', () => {
  it('keeps the seed pairs with ids derived from the conversation ids', () => {
    const { pairs, skipped } = seedPairsFromConversations([
      conversation('spc-test-1', ['I like dogs.', ' '], ['I am a nurse.']),
      conversation('Synthetic-Persona-Chat_test.csv:12', ['I ski.'], ['I surf.']),
      conversation('empty', [], ['I surf.']),
      conversation('Synthetic-Persona-Chat_test.csv.12', ['I ski.'], ['I surf.']),
    ]);
    expect(skipped).toEqual(['empty']);
    expect(pairs.map((pair) => pair.id)).toEqual([
      'spc-test-1',
      'Synthetic-Persona-Chat_test-csv-12',
      'Synthetic-Persona-Chat_test-csv-12-2',
    ]);
    expect(pairs[0]).toEqual({
      id: 'spc-test-1',
      user1: { id: 'spc-test-1-user1', attributes: ['I like dogs.'] },
      user2: { id: 'spc-test-1-user2', attributes: ['I am a nurse.'] },
    });
    for (const pair of pairs) {
      for (const id of [pair.id, pair.user1.id, pair.user2.id]) expect(id).toMatch(ID_PATTERN);
    }
  });

  it('gives the same ids on every call', () => {
    const seed = [conversation('a:1', ['I ski.'], ['I surf.']), conversation('a:2', ['I ski.'], ['I surf.'])];
    expect(seedPairsFromConversations(seed)).toEqual(seedPairsFromConversations(seed));
  });
});

describe('collectSeedAttributes', () => {
  it('lists distinct persona sentences in order of first appearance', () => {
    expect(
      collectSeedAttributes([
        conversation('1', ['I like dogs.', 'I am a nurse.'], ['i like dogs', 'I ski.']),
        conversation('2', ['  I ski. ', ''], ['I surf!']),
      ]),
    ).toEqual(['I like dogs.', 'I am a nurse.', 'I ski.', 'I surf!']);
  });
});
