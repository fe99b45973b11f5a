import type { Conversation } from '@parley/core';
import { describe, expect, it } from 'vitest';
import { createStructureExpert, isSceneNote, structureProblems } from './structure-expert';
import { alternating, groundedConversation } from './test-fixtures';

function withTurns(turns: Conversation['turns']): Conversation {
  return { ...groundedConversation('c'), turns };
}

describe('structure expert', () => {
  it('passes a well-formed conversation', async () => {
    const verdict = await createStructureExpert().review(groundedConversation('ok'), {});
    expect(verdict).toEqual({ expert: 'structure', kind: 'filter', passed: true, rationale: 'well formed' });
  });

  it('tolerates a few follow-up lines by the same speaker, never three lines in a row', () => {
    const turns = alternating('Hi.', 'Hello.', 'How are you?', 'Fine.', 'Good.', 'Bye.');
    turns.splice(2, 0, { speaker: 'user2', text: 'Still there?' });
    expect(structureProblems(withTurns(turns))).toEqual([]);
    expect(structureProblems(withTurns(turns), { maxFollowUps: 0 })).toEqual([
      'the same speaker speaks twice in a row 1 times (lines 3), more than 0',
    ]);
    const three = [...turns];
    three.splice(3, 0, { speaker: 'user2', text: 'Hello?' });
    expect(structureProblems(withTurns(three))).toEqual(['line 4: User 2 speaks three times in a row']);
    const many = alternating('a', 'b', 'c', 'd', 'e', 'f', 'g');
    for (const at of [6, 4, 2]) many.splice(at, 0, { speaker: 'user2', text: 'again' });
    expect(structureProblems(withTurns(many))).toEqual([
      'the same speaker speaks twice in a row 3 times (lines 3, 6, 9), more than 2',
    ]);
  });

  it("does not take placeholder-like text from the speakers' own personas for a placeholder", () => {
    const conversation: Conversation = {
      ...withTurns(alternating('My blog is <Cooking With Kim>, have a look.', 'I will, [name]!')),
      user1Persona: ['My blog is called <Cooking with Kim>.'],
    };
    expect(structureProblems(conversation)).toEqual(['line 2 has an unfilled placeholder [name]']);
  });

  it('finds unfilled placeholders in all their shapes, but not ordinary text', () => {
    const problems = structureProblems(
      withTurns(
        alternating(
          "Hi, I'm [User 1's name].",
          'Nice to meet you, [name]!',
          'Call me <name>.',
          'Or {name}?',
          'I scored 3 < 5 points and 7 > 2.',
          'Ok :) see you',
        ),
      ),
    );
    expect(problems).toEqual([
      "line 1 has an unfilled placeholder [User 1's name]",
      'line 2 has an unfilled placeholder [name]',
      'line 3 has an unfilled placeholder <name>',
      'line 4 has an unfilled placeholder {name}',
    ]);
  });

  it('finds lines without a speaker and empty turns, but lets scene notes pass', () => {
    const turns = alternating('Hi.', '   ', 'Bye.');
    turns.splice(1, 0, { speaker: null, text: '1 pound lasagna noodles' });
    expect(structureProblems(withTurns(turns))).toEqual([
      'line 2 has no speaker: "1 pound lasagna noodles"',
      'line 3 (User 2) is empty',
    ]);
    // SPC's scene notes are narration, not turns.
    for (const note of [
      '(The next day)',
      '[At the restaurant]',
      '* At the beach *',
      '* * *',
      '30 minutes later:',
    ]) {
      const withNote = alternating('Hi.', 'Hello.', 'Bye.');
      withNote.splice(1, 0, { speaker: null, text: note });
      expect(structureProblems(withTurns(withNote)), note).toEqual([]);
    }
    for (const prose of [
      'User 1 Profiles: {I like to go to the movies.',
      'Saturday afternoon we met again and talked',
    ]) {
      expect(isSceneNote(prose), prose).toBe(false);
    }
  });

  it('checks the turns per speaker against the bounds', () => {
    const conversation = withTurns(alternating('a', 'b', 'c', 'd', 'e'));
    expect(structureProblems(conversation, { minTurnsPerSpeaker: 3 })).toEqual([
      'User 2 has 2 turns, fewer than 3',
    ]);
    expect(structureProblems(conversation, { maxTurnsPerSpeaker: 2 })).toEqual([
      'User 1 has 3 turns, more than 2',
    ]);
    expect(structureProblems(conversation, { minTurnsPerSpeaker: 2, maxTurnsPerSpeaker: 3 })).toEqual([]);
    expect(() => createStructureExpert({ minTurnsPerSpeaker: 4, maxTurnsPerSpeaker: 3 })).toThrow(RangeError);
  });

  it('rejects an empty conversation and reports the problems in its verdict', async () => {
    const verdict = await createStructureExpert().review(withTurns([]), {});
    expect(verdict.passed).toBe(false);
    expect(verdict.rationale).toBe('the conversation has no turns');
  });
});
