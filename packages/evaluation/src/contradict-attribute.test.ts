import { describe, expect, it } from 'vitest';
import { contradictAttribute } from './contradict-attribute';

describe('contradictAttribute', () => {
  it.each([
    ['I love cats.', 'I hate cats.'],
    ['I hate cats.', 'I love cats.'],
    ['I like to eat bacon.', 'I hate to eat bacon.'],
    ['I really like jazz.', 'I really hate jazz.'],
    ['I am single.', 'I am married.'],
    ['I have two brothers.', 'I have five brothers.'],
    ['I have a dog named Max.', 'I have a cat named Max.'],
    ['I am 25 years old.', 'I am 45 years old.'],
    ['I was born in 1990.', 'I was born in 1982.'],
    ['My favorite band is Rush.', 'My least favorite band is Rush.'],
    ['I am afraid of heights.', 'I am fond of heights.'],
    ['Dogs are my favorite animal.', 'Cats are my favorite animal.'],
  ])('%s → %s', (attribute, contradiction) => {
    expect(contradictAttribute(attribute)).toBe(contradiction);
  });

  it('leaves "like" alone when it is a preposition, and gives up when no rule applies', () => {
    expect(contradictAttribute('I look like my father.')).toBeUndefined();
    expect(contradictAttribute('I am a nurse.')).toBeUndefined();
  });
});
