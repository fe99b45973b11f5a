import { describe, expect, it } from 'vitest';
import { reasonKeys } from './reason-key';

// Reasons as the experts write them (packages/critic), grouped the way the run page counts them.

describe('reasonKeys', () => {
  it('groups offline threshold reasons whatever their numbers', () => {
    const a = reasonKeys(
      'grounding 0.331 < 0.45 (without copied persona sentences 0.031): User 1 0.26 (2/5 attributes touched), User 2 0.40 (2/5 attributes touched)',
    );
    const b = reasonKeys(
      'grounding 0.300 < 0.45 (without copied persona sentences 0.000): User 1 0.20 (1/5 attributes touched), User 2 0.40 (2/5 attributes touched)',
    );
    expect(a).toEqual(['grounding # < # (…): …']);
    expect(b).toEqual(a);
    // The second speaker's detail continues the first's: one reason, not two.
    const roles = reasonKeys(
      "roles margin -0.200 < -0.12: User 1 fits own persona 0.20, the other's 0.40; User 2 fits own persona 0.00, the other's 0.20",
    );
    expect(roles).toEqual(["roles margin # < #: User # fits own persona #, the other's #"]);
    expect(reasonKeys("roles margin -0.950 < -0.12: User 1 fits own persona 0.00, the other's 0.60")).toEqual(
      roles,
    );
  });

  it('keeps a short category list and drops a model’s free-text explanation', () => {
    expect(reasonKeys('toxic (violence): Nothing in the text contradicts the stated persona facts.')).toEqual(
      ['toxic (violence): …'],
    );
    expect(reasonKeys('toxic (violence): The reply is short, natural and relevant to the question.')).toEqual(
      ['toxic (violence): …'],
    );
  });

  it('replaces quoted text, so one kind of contradiction is one reason', () => {
    const a = reasonKeys(
      'User 2 contradicts "I drink three cups of coffee every day." (The conversation is a bit repetitive but remains plausible.)',
    );
    const b = reasonKeys('User 1 contradicts "I have a dog." (they say they never had a pet)');
    expect(a).toEqual(['User # contradicts "…" (…)']);
    expect(b).toEqual(a);
    expect(reasonKeys('the last line stops mid-sentence: …"They\'re al"')).toEqual([
      'the last line stops mid-sentence: …"…"',
    ]);
  });

  it('replaces ids, and keeps numbers that are part of a name', () => {
    expect(
      reasonKeys(
        'closest accepted or claimed conversation probe-20261204-212657-b8e8.1.parley-seed-01.0 at similarity 0.912 (≥ 0.8)',
      ),
    ).toEqual(['closest accepted or claimed conversation <id> at similarity # (≥ #)']);
    expect(reasonKeys('distinct-2 0.412 < 0.5')).toEqual(['distinct-2 # < #']);
    expect(reasonKeys('lost the vote (judge score 0.40)')).toEqual(
      reasonKeys('lost the vote (judge score 0.50)'),
    );
  });

  it('gives one key per problem of a reason that names several, without splitting quotes', () => {
    expect(
      reasonKeys(
        'line 3: User 1 speaks three times in a row; User 2 has 1 turns, fewer than 3; line 7 has an unfilled placeholder "{name; x}"',
      ),
    ).toEqual([
      'line #: User # speaks three times in a row',
      'User # has # turns, fewer than #',
      'line # has an unfilled placeholder "…"',
    ]);
    // The same problem twice counts once.
    expect(reasonKeys('User 1 has 1 turns, fewer than 3; User 2 has 0 turns, fewer than 3')).toEqual([
      'User # has # turns, fewer than #',
    ]);
  });

  it('cuts very long reasons and ignores blank ones', () => {
    const [key] = reasonKeys(`unparseable verdict (${'x'.repeat(20)}) ${'word '.repeat(60)}`);
    expect(key?.length).toBeLessThanOrEqual(120);
    expect(key?.endsWith('…')).toBe(true);
    expect(reasonKeys('  ;  ')).toEqual([]);
  });
});
