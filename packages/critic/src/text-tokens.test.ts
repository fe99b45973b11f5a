import { describe, expect, it } from 'vitest';
import { contentStems, stem, wordTokens } from './text-tokens';

describe('wordTokens', () => {
  it('lower-cases, keeps contractions and folds curly apostrophes', () => {
    expect(wordTokens("I’m GOING to Paris, aren't you?")).toEqual([
      "i'm",
      'going',
      'to',
      'paris',
      "aren't",
      'you',
    ]);
  });
});

describe('stem', () => {
  it('folds plurals, -ing, -ed and a final e', () => {
    expect(stem('dogs')).toBe('dog');
    expect(stem('puppies')).toBe('puppy');
    expect(stem('dancing')).toBe(stem('dance'));
    expect(stem('danced')).toBe(stem('dance'));
    expect(stem('running')).toBe('run');
    expect(stem('hiking')).toBe(stem('hikes'));
  });

  it('leaves short words and -ss/-us/-is endings alone', () => {
    expect(stem('bus')).toBe('bus');
    expect(stem('class')).toBe('class');
    expect(stem('tennis')).toBe('tennis');
    expect(stem('cactus')).toBe('cactus');
  });
});

describe('contentStems', () => {
  it('drops stop words and generic persona words', () => {
    expect(contentStems('I really love my two dogs and I like hiking')).toEqual(['two', 'dog', 'hik']);
  });
});
