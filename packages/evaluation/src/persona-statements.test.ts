import { describe, expect, it } from 'vitest';
import { AttributePool } from './attribute-pool';
import { negateAttribute } from './negate-attribute';
import { attributeKey } from './persona-key';
import { buildFaithfulnessItem, DISTRACTOR_KINDS } from './persona-statements';
import { CHEF, conversation, STUDENT, TEACHER, VIOLINIST } from './test-fixtures';

describe('buildFaithfulnessItem', () => {
  const chat = conversation('c1', CHEF, VIOLINIST, ['Hi!', 'Hello!']);
  const pool = new AttributePool([...CHEF, ...VIOLINIST, ...TEACHER, ...STUDENT]);

  it('shows 4 real attributes and one distractor of each kind, none equal to a real one', () => {
    for (let seedValue = 1; seedValue <= 25; seedValue++) {
      const item = buildFaithfulnessItem(chat, 'user1', pool, { seedValue })!;
      expect(item.statements).toHaveLength(8);
      const real = item.statements.filter((statement) => statement.kind === 'real');
      expect(real).toHaveLength(4);
      for (const statement of real) expect(CHEF).toContain(statement.text);
      const distractors = item.statements.filter((statement) => statement.kind !== 'real');
      expect(distractors.map((statement) => statement.kind).sort()).toEqual([...DISTRACTOR_KINDS].sort());
      const ownKeys = new Set(CHEF.map(attributeKey));
      for (const distractor of distractors) expect(ownKeys.has(attributeKey(distractor.text))).toBe(false);
      // All eight are different statements.
      expect(new Set(item.statements.map((statement) => attributeKey(statement.text))).size).toBe(8);

      const byKind = Object.fromEntries(distractors.map((statement) => [statement.kind, statement]));
      // The negation negates one of the speaker's real attributes.
      expect(CHEF).toContain(byKind['negation']!.source);
      expect(byKind['negation']!.text).toBe(negateAttribute(byKind['negation']!.source!));
      // The random one comes from another profile: neither this speaker's nor the partner's.
      expect([...TEACHER, ...STUDENT]).toContain(byKind['other-profile']!.text);
      // The partner's is the other speaker's own attribute.
      expect(VIOLINIST).toContain(byKind['partner']!.text);
      // The contradiction is made from a real attribute (CHEF has "I love hiking.", "I have a dog ...").
      expect(byKind['contradiction']!.rule).toBe('opposite');
      expect(CHEF).toContain(byKind['contradiction']!.source);
      expect(byKind['contradiction']!.source).not.toBe(byKind['negation']!.source);
    }
  });

  it('negates an attribute that is not shown when the persona has more than 4', () => {
    const item = buildFaithfulnessItem(chat, 'user1', pool, { seedValue: 3 })!;
    const shown = item.statements
      .filter((statement) => statement.kind === 'real')
      .map((statement) => statement.text);
    const negation = item.statements.find((statement) => statement.kind === 'negation')!;
    expect(shown).not.toContain(negation.source);
  });

  it('is deterministic for a seed and changes with it', () => {
    const first = buildFaithfulnessItem(chat, 'user2', pool, { seedValue: 7 });
    expect(buildFaithfulnessItem(chat, 'user2', pool, { seedValue: 7 })).toEqual(first);
    const orders = new Set(
      Array.from({ length: 10 }, (_, seedValue) =>
        buildFaithfulnessItem(chat, 'user2', pool, { seedValue })!
          .statements.map((statement) => statement.text)
          .join('|'),
      ),
    );
    expect(orders.size).toBeGreaterThan(1);
  });

  it('shows every attribute of a short persona, and skips a speaker without one', () => {
    const short = conversation('c2', ['I am a nurse.', 'I have a cat.'], STUDENT, ['Hi', 'Hey']);
    const item = buildFaithfulnessItem(short, 'user1', pool)!;
    expect(item.statements.filter((statement) => statement.kind === 'real')).toHaveLength(2);
    expect(item.statements).toHaveLength(6);
    expect(buildFaithfulnessItem(conversation('c3', [], STUDENT, ['Hi']), 'user1', pool)).toBeUndefined();
  });

  it('falls back to a template negation and a same-topic contradiction when no rule applies', () => {
    const odd = conversation('c4', ['Crazy about drama books.'], ['Reading is fun.'], ['Hi', 'Hey']);
    const bookish = ['I collect old books.', 'I write books at night.'];
    const books = new AttributePool(['Crazy about drama books.', 'Reading is fun.', ...bookish, 'I sail.']);
    const item = buildFaithfulnessItem(odd, 'user1', books)!;
    const negation = item.statements.find((statement) => statement.kind === 'negation')!;
    expect(negation).toMatchObject({
      rule: 'template',
      text: 'It is not true that crazy about drama books.',
    });
    const contradiction = item.statements.find((statement) => statement.kind === 'contradiction')!;
    // "book" is the shared topic; "I sail." shares nothing (the other-profile draw may take one book).
    expect(contradiction.rule).toBe('same-topic');
    expect(bookish).toContain(contradiction.text);
  });
});
