import { describe, expect, it } from 'vitest';
import { comparisonKey } from './comparison-key';
import { countSentences, validateAttribute } from './validate-attribute';
import { validateQuestion } from './validate-question';

describe('validateAttribute', () => {
  it('keeps one first-person sentence, tidied', () => {
    expect(validateAttribute('I have a turtle named Timothy.')).toEqual({
      ok: true,
      text: 'I have a turtle named Timothy.',
    });
    expect(validateAttribute('  "my favorite season is autumn"  ')).toEqual({
      ok: true,
      text: 'My favorite season is autumn.',
    });
    expect(validateAttribute("1. I'm a nurse at Dr. Smith's clinic.")).toEqual({
      ok: true,
      text: "I'm a nurse at Dr. Smith's clinic.",
    });
    expect(validateAttribute('Answer: I’ve never left Ohio!')).toEqual({
      ok: true,
      text: "I've never left Ohio!",
    });
  });

  it('counts every invalid attribute under one reason', () => {
    const produced = [
      '',
      '   ',
      'I have a dog. His name is Max.',
      'I like cats.\nI like dogs.',
      'Autumn is my favorite season.',
      'In my spare time I sew.',
      'You should get a dog.',
      'I run.',
      `I ${'really '.repeat(40)}like dogs.`,
      'I have a turtle named timothy',
      'I love to travel to new places.',
    ];
    const existingKeys = new Set([comparisonKey('I have a turtle named Timothy.')]);
    const reasons: Record<string, number> = {};
    let kept = 0;
    for (const text of produced) {
      const validation = validateAttribute(text, { existingKeys });
      if (validation.ok) kept++;
      else reasons[validation.reason] = (reasons[validation.reason] ?? 0) + 1;
    }
    expect(kept).toBe(1);
    expect(reasons).toEqual({
      empty: 2,
      'multiple-sentences': 2,
      'not-first-person': 3,
      'too-short': 1,
      'too-long': 1,
      duplicate: 1,
    });
  });

  it('honours custom bounds', () => {
    expect(validateAttribute('I run fast.', { minWords: 4 })).toEqual({ ok: false, reason: 'too-short' });
    expect(validateAttribute('I like very long walks.', { maxCharacters: 10 })).toEqual({
      ok: false,
      reason: 'too-long',
    });
  });
});

describe('countSentences', () => {
  it('splits on sentence ends, line breaks, not on abbreviations', () => {
    expect(countSentences('I live on Main St. in Boston.')).toBe(1);
    expect(countSentences('I love it! It is great.')).toBe(2);
    expect(countSentences('I was born in the U.S. and live here.')).toBe(1);
    expect(countSentences('a\n\nb\nc')).toBe(3);
    expect(countSentences('')).toBe(0);
  });
});

describe('validateQuestion', () => {
  it('keeps one question and counts the rest by reason', () => {
    const produced = [
      'What pets do you have?',
      'what do you do for a living?',
      'Tell me about your pets.',
      'What pets do you have? Do you like them?',
      'Why?',
      'What pets do you have',
      'What PETS do you have?',
      '',
    ];
    const existingKeys = new Set<string>();
    const reasons: Record<string, number> = {};
    const kept: string[] = [];
    for (const text of produced) {
      const validation = validateQuestion(text, { existingKeys });
      if (validation.ok) {
        kept.push(validation.text);
        existingKeys.add(comparisonKey(validation.text));
      } else reasons[validation.reason] = (reasons[validation.reason] ?? 0) + 1;
    }
    expect(kept).toEqual(['What pets do you have?', 'What do you do for a living?']);
    expect(reasons).toEqual({
      'not-a-question': 2,
      'multiple-sentences': 1,
      'too-short': 1,
      duplicate: 1,
      empty: 1,
    });
  });
});
