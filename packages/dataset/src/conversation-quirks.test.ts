import { describe, expect, it } from 'vitest';
import { findConversationQuirks, findPlaceholders, isStageDirection } from './conversation-quirks';

describe('findPlaceholders', () => {
  it('finds short bracketed slots and parenthesised slot names', () => {
    expect(findPlaceholders("Hi, I'm [User 1's name] from [city, state]!")).toEqual([
      "[User 1's name]",
      '[city, state]',
    ]);
    expect(findPlaceholders("I'm (name), I live in (user 2 location).")).toEqual([
      '(name)',
      '(user 2 location)',
    ]);
  });

  it('leaves prose in parentheses, long brackets and whole-line notes alone', () => {
    expect(findPlaceholders('Use a (28 ounce) can, it was (who knew) fine.')).toEqual([]);
    expect(findPlaceholders('[User 2 shows User 1 pictures of their work and smiles]')).toEqual([]);
    expect(findPlaceholders('[Later]')).toEqual([]);
  });
});

describe('isStageDirection', () => {
  it.each([
    ['(The next day)', true],
    ['[Later]', true],
    ['* * *', true],
    ['---', true],
    ['(smiles) Sure!', false],
    ['**', false],
    ['Hello', false],
  ])('%j → %s', (text, expected) => {
    expect(isStageDirection(text)).toBe(expected);
  });
});

describe('findConversationQuirks', () => {
  it('finds user 2 first, repeated speakers across scene notes, and empty conversations', () => {
    const quirks = findConversationQuirks(
      {
        id: 'c',
        user1Persona: [],
        user2Persona: [],
        turns: [
          { speaker: null, text: '* * *' },
          { speaker: 'user2', text: 'Hey.' },
          { speaker: null, text: '(Later)' },
          { speaker: 'user2', text: 'Still there?' },
          { speaker: 'user1', text: 'Yes.' },
        ],
      },
      (index) => 100 + index,
    );
    expect(quirks.map((quirk) => `${quirk.line} ${quirk.kind}`)).toEqual([
      '101 starts-with-user2',
      '100 stage-direction',
      '102 stage-direction',
      '103 consecutive-speaker',
    ]);
    expect(
      findConversationQuirks({ id: 'e', user1Persona: [], user2Persona: [], turns: [] }, () => 7),
    ).toEqual([{ kind: 'empty-conversation', line: 7 }]);
  });
});
