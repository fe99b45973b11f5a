import { describe, expect, it } from 'vitest';
import { profilePairKey } from './persona-key';
import { ReferenceMatcher } from './reference-matcher';
import { CHEF, conversation, STUDENT, TEACHER, VIOLINIST } from './test-fixtures';

describe('ReferenceMatcher', () => {
  const lines = ['Hi!', 'Hello!', 'How are you?'];
  const reference = [
    conversation('r1', CHEF, VIOLINIST, lines),
    conversation('r2', TEACHER, STUDENT, lines),
    conversation('r3', TEACHER, STUDENT, lines),
    // Too short to show.
    conversation('r4', ['I sail.'], ['I knit.'], ['Hi!']),
  ];

  it('keys a profile pair by its two persona sets, in any order and role', () => {
    const swapped = conversation(
      'x',
      [...VIOLINIST].reverse(),
      CHEF.map((text) => text.toUpperCase()),
      lines,
    );
    expect(profilePairKey(swapped)).toBe(profilePairKey(reference[0]!));
    expect(profilePairKey(reference[1]!)).not.toBe(profilePairKey(reference[0]!));
  });

  it('matches the same profile pair when the reference has it', () => {
    const matcher = new ReferenceMatcher(reference);
    const match = matcher.match(conversation('s1', VIOLINIST, CHEF, lines));
    expect(match).toMatchObject({ sameProfiles: true, reference: { id: 'r1' } });
    const teacher = matcher.match(conversation('s2', TEACHER, STUDENT, lines));
    expect(['r2', 'r3']).toContain(teacher!.reference.id);
  });

  it('falls back to a deterministic other conversation, never itself nor one too short', () => {
    const matcher = new ReferenceMatcher(reference, { seedValue: 5 });
    const lonely = conversation('s3', ['I fly kites.'], ['I bake bread.'], lines);
    const match = matcher.match(lonely)!;
    expect(match.sameProfiles).toBe(false);
    expect(new ReferenceMatcher(reference, { seedValue: 5 }).match(lonely)).toEqual(match);
    expect(matcher.size).toBe(3);
    for (const own of reference.slice(0, 3)) expect(matcher.match(own)!.reference.id).not.toBe(own.id);
    // r1 is alone with its pair: matched with itself excluded, it falls back to another one.
    expect(matcher.match(reference[0]!)).toMatchObject({ sameProfiles: false });
    expect(new ReferenceMatcher([reference[0]!]).match(reference[0]!)).toBeUndefined();
  });
});
