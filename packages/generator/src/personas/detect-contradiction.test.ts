import { describe, expect, it } from 'vitest';
import { detectContradiction } from './detect-contradiction';

describe('detectContradiction', () => {
  it.each([
    ['I have a dog named Max.', "I don't have any pets.", 'negation'],
    ['I do not have any pets.', 'I have two cats.', 'negation'],
    ['I love pizza.', 'I hate pizza.', 'negation'],
    ['My favorite food is pizza.', 'I really dislike pizza.', 'negation'],
    ['I love cooking.', 'I do not like to cook.', 'negation'],
    ['I have two kids.', 'I have no children.', 'negation'],
    ['I have a son.', "I don't have kids.", 'negation'],
    ['I drink beer every weekend.', 'I never drink alcohol.', 'negation'],
    ['I work as a nurse.', 'I do not work.', 'negation'],
    ['I no longer smoke.', 'I smoke a pack a day.', 'negation'],
    ['I love dogs, but I hate cats.', 'I love cats.', 'negation'],
    ['I am 25.', "I'm 60 years old.", 'age'],
    ['I am 25 years old.', 'I am in my forties.', 'age'],
    ['I am twenty five.', 'I am 31 and love hiking.', 'age'],
    ['I have one brother.', 'I have two brothers.', 'count'],
    ['I have 3 kids.', 'I have two children.', 'count'],
    ['I am an only child.', 'My sister is a doctor.', 'only-child'],
    ['I am married.', 'I am single.', 'marital-status'],
    ['My husband is a chef.', 'I am divorced.', 'marital-status'],
    ['I am a father of three.', 'I am a woman.', 'gender'],
    ['My name is Sarah.', 'My name is Tom.', 'name'],
    ['My favorite color is blue.', 'My favorite color is red.', 'favorite'],
    ['I am a vegan.', 'I love eating steak.', 'diet'],
    ['I am unemployed.', 'I work at a bank.', 'employment'],
    ['I am very shy.', 'I am outgoing.', 'antonym'],
    ['I am a night owl.', 'I am a morning person.', 'antonym'],
  ])('%s / %s → %s', (first, second, rule) => {
    expect(detectContradiction(first, second)).toEqual({ contradiction: true, rule });
    expect(detectContradiction(second, first)).toEqual({ contradiction: true, rule });
  });

  it.each([
    ['I have a dog.', 'I have a cat.'],
    ['I love dogs.', 'I hate cats.'],
    ["I don't have a dog.", 'I love dogs.'],
    ["I don't like dogs.", 'I have a cat.'],
    ['I used to have a dog.', "I don't have any pets."],
    ['I had a cat when I was young.', 'I have no pets.'],
    ['I am 25.', 'My mom is 60.'],
    ['I am 6 feet tall.', 'I am 30.'],
    ['I have two kids.', 'I have two dogs.'],
    ['I have a dog.', 'I have two dogs.'],
    ['I am married.', 'I am happy.'],
    ["I don't like coffee.", 'I love tea.'],
    ['My favorite food is pizza.', 'My favorite food is cheese pizza.'],
    ['My favorite color is blue.', 'My favorite food is sushi.'],
    ['I am a vegan.', 'I do not eat meat.'],
    ['I am a nurse.', 'I work at a hospital.'],
    ['I am a big fan of my dad.', 'I am a mother of two.'],
    ['I never went to college.', 'I love to read.'],
    ['I am tall.', 'I am short on money.'],
    ['I like to dance at the club.', 'I run a dog obedience school.'],
  ])('%s / %s → no contradiction', (first, second) => {
    expect(detectContradiction(first, second)).toEqual({ contradiction: false });
    expect(detectContradiction(second, first)).toEqual({ contradiction: false });
  });
});
