import { describe, expect, it } from 'vitest';
import { negateAttribute } from './negate-attribute';

describe('negateAttribute', () => {
  it.each([
    // The shapes named in the issue.
    ['I have a dog named Max.', 'I do not have a dog named Max.'],
    ['I am a nurse.', 'I am not a nurse.'],
    ['I love hiking.', 'I do not love hiking.'],
    ['My favorite color is blue.', 'My favorite color is not blue.'],
    ["I can't swim.", 'I can swim.'],
    ['I cannot swim.', 'I can swim.'],
    ['I can swim.', 'I cannot swim.'],
    // Negative sentences become positive.
    ['I do not like animals.', 'I like animals.'],
    ["I don't eat meat.", 'I eat meat.'],
    ['I am not religious.', 'I am religious.'],
    ["I'm not a morning person.", 'I am a morning person.'],
    ['I never finished high school.', 'I finished high school.'],
    ['I have no siblings.', 'I have siblings.'],
    ['I have never been abroad.', 'I have been abroad.'],
    ['My mother was not part of my life.', 'My mother was part of my life.'],
    // Contractions, modals, tenses.
    ["I'm a teacher.", 'I am not a teacher.'],
    ["I've got three cats.", 'I have not got three cats.'],
    ['I will be moving next year.', 'I will not be moving next year.'],
    ['I was born in Ohio.', 'I was not born in Ohio.'],
    ['I grew up on a farm.', 'I never grew up on a farm.'],
    ['I graduated from MIT.', 'I never graduated from MIT.'],
    ['I used to be in the military.', 'I never used to be in the military.'],
    ['I need glasses to read.', 'I do not need glasses to read.'],
    ['I have been married twice.', 'I have not been married twice.'],
    ['I have always wanted a big family.', 'I have never wanted a big family.'],
    ['I just had surgery.', 'I did not have surgery.'],
    ['I do yoga every morning.', 'I do not do yoga every morning.'],
    // Adverbs between the subject and the verb are dropped.
    ['I also have a cat.', 'I do not have a cat.'],
    ['I just graduated from college.', 'I never graduated from college.'],
    ['I always wear hats.', 'I never wear hats.'],
    // "My ..." sentences: auxiliary, or the verb after the noun phrase.
    ['My parents live in Australia.', 'My parents do not live in Australia.'],
    ['My family lives in Arkansas.', 'My family does not live in Arkansas.'],
    ['My mother watches soap operas.', 'My mother does not watch soap operas.'],
    ['My dad has a car dealership.', 'My dad does not have a car dealership.'],
    ['My dad drove a truck.', 'My dad never drove a truck.'],
    ['My brother just got married.', 'My brother never got married.'],
    ['My favorite hobbies are knitting and chess.', 'My favorite hobbies are not knitting and chess.'],
    // Another subject with a be-verb; a leading phrase before the main clause.
    ['Horses are my favorite animal.', 'Horses are not my favorite animal.'],
    ['On weekends, I volunteer at a shelter.', 'On weekends, I do not volunteer at a shelter.'],
    // Case and punctuation are kept; curly apostrophes are understood.
    ['i love pizza', 'I do not love pizza'],
    ['I\u2019m a vegan!', 'I am not a vegan!'],
  ])('%s → %s', (attribute, negation) => {
    expect(negateAttribute(attribute)).toBe(negation);
  });

  it('gives up on sentences it cannot negate safely', () => {
    expect(negateAttribute('Love to read drama books.')).toBeUndefined();
    expect(negateAttribute('When i have some spare time i read.')).toBeUndefined();
    expect(negateAttribute('')).toBeUndefined();
    expect(negateAttribute('...')).toBeUndefined();
  });

  it('is an involution on simple shapes: negating twice gives the attribute back', () => {
    for (const attribute of ['I am a nurse.', 'I can swim.', 'My hobby is chess.', 'I was born in May.']) {
      expect(negateAttribute(negateAttribute(attribute)!)).toBe(attribute);
    }
  });
});
