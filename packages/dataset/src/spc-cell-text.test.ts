import { describe, expect, it } from 'vitest';
import {
  formatSpcConversation,
  formatSpcPersona,
  parseSpcConversation,
  parseSpcPersona,
} from './spc-cell-text';

describe('parseSpcConversation', () => {
  it('accepts prefix variants but not look-alikes', () => {
    const cell = [
      'User 1: plain',
      'user 2: lower case',
      'USER1:no space',
      '**User 2:** markdown',
      'User 1: *waves* hello',
      'User 1 and user 2 go for a walk.',
      'User 1 Profiles: {I like movies.',
      'User 12: not a speaker',
    ].join('\n');
    const { turns, quirks } = parseSpcConversation(cell, 10);
    expect(turns).toEqual([
      { speaker: 'user1', text: 'plain' },
      { speaker: 'user2', text: 'lower case' },
      { speaker: 'user1', text: 'no space' },
      { speaker: 'user2', text: 'markdown' },
      { speaker: 'user1', text: '*waves* hello' },
      { speaker: null, text: 'User 1 and user 2 go for a walk.' },
      { speaker: null, text: 'User 1 Profiles: {I like movies.' },
      { speaker: null, text: 'User 12: not a speaker' },
    ]);
    expect(
      quirks
        .filter((quirk) => quirk.kind === 'speaker-prefix-variant')
        .map((quirk) => [quirk.line, quirk.detail]),
    ).toEqual([
      [11, 'user 2:'],
      [12, 'USER1:'],
      [13, '**User 2:**'],
    ]);
    expect(quirks.filter((quirk) => quirk.kind === 'unprefixed-line').map((quirk) => quirk.line)).toEqual([
      15, 16, 17,
    ]);
  });

  it('keeps an unprefixed line verbatim and an empty cell empty', () => {
    expect(parseSpcConversation('  * * *  ', 1).turns).toEqual([{ speaker: null, text: '  * * *  ' }]);
    expect(parseSpcConversation('', 1)).toEqual({ turns: [], turnLines: [], quirks: [] });
    expect(parseSpcConversation('\n\n', 1).quirks).toEqual([]);
  });
});

describe('parseSpcPersona', () => {
  it('trims sentences and drops blank lines, counting them', () => {
    expect(parseSpcPersona(' I sing. \n\nI paint.\n', 5)).toEqual({
      attributes: ['I sing.', 'I paint.'],
      quirks: [
        { kind: 'blank-persona-line', line: 6 },
        { kind: 'blank-persona-line', line: 8 },
      ],
    });
  });
});

describe('formatSpcConversation', () => {
  it('writes one line a turn, joining line breaks inside a turn with a space', () => {
    expect(
      formatSpcConversation([
        { speaker: 'user1', text: '  Hi,\nthere  ' },
        { speaker: null, text: '(Later)' },
        { speaker: null, text: '   ' },
        { speaker: 'user2', text: 'User 1: said "hi"' },
        { speaker: 'user1', text: '' },
      ]),
    ).toBe('User 1: Hi, there\n(Later)\nUser 2: User 1: said "hi"\nUser 1: ');
  });

  it('writes persona sentences one a line', () => {
    expect(formatSpcPersona(['I sing.', 'I paint\nwalls.', ' '])).toBe('I sing.\nI paint walls.');
  });
});
