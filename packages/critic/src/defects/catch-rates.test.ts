import { type Conversation, randomFor } from '@parley/core';
import { detectContradiction } from '@parley/generator';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSpcTestConversations, spcTestCsvExists } from '../../../../test/support/spc-test-split';
import { copiedPersonaSentences } from '../persona-copying';
import { wordTokens } from '../text-tokens';
import { measureCatchRates } from './catch-rates';
import { contradictingStatement } from './contradicting-statement';
import { CATCH_TARGETS, type DEFECT_KINDS, MAX_UNTOUCHED_REJECTION } from './defect-kinds';
import { plantDefect } from './plant-defect';
import { plantDefects } from './plant-defects';

describe('contradictingStatement', () => {
  it('states the opposite of a persona sentence, as the offline consistency rules see it', () => {
    const cases: Array<[string, string]> = [
      ['I have two dogs.', 'I do not have two dogs.'],
      ['I love to ride horses.', 'I hate to ride horses.'],
      ['I am a nurse.', 'I am not a nurse.'],
      ['I am 25 years old.', 'I am 65 years old.'],
      ['I work as a teacher.', 'I do not work as a teacher.'],
    ];
    for (const [attribute, statement] of cases) {
      expect(contradictingStatement(attribute)).toBe(statement);
      expect(detectContradiction(attribute, statement).contradiction).toBe(true);
    }
    // The past does not contradict the present: nothing to plant.
    expect(contradictingStatement('I used to be in the military.')).toBeUndefined();
  });
});

describe.skipIf(!spcTestCsvExists())('planting defects into Synthetic-Persona-Chat (test split)', () => {
  let conversations: Conversation[];
  let sample: Conversation;
  beforeAll(async () => {
    conversations = await loadSpcTestConversations();
    sample = conversations.find((conversation) => conversation.turns.length >= 20)!;
  });

  const plant = (kind: (typeof DEFECT_KINDS)[number], donor?: Conversation) => {
    const result = plantDefect(kind, sample, { random: randomFor(7, kind), donor });
    if ('skipped' in result) throw new Error(`${kind} skipped: ${result.skipped}`);
    return result.planted;
  };

  it('plants each kind into a copy, leaving the original as it was', () => {
    const before = JSON.stringify(sample);
    const copy = plant('verbatim-copy');
    const pasted = copiedPersonaSentences(copy).filter((item) => item.persona === 'own');
    const speaker = pasted[0]!.speaker;
    const persona = speaker === 'user1' ? sample.user1Persona : sample.user2Persona;
    expect(new Set(pasted.filter((item) => item.speaker === speaker).map((item) => item.attribute))).toEqual(
      new Set(persona.filter((sentence) => wordTokens(sentence).length >= 3)),
    );

    const abusive = plant('abuse');
    expect(abusive.turns.filter((turn, index) => turn.text !== sample.turns[index]!.text)).toHaveLength(1);

    const repeated = plant('repeated-turns');
    expect(repeated.turns).toHaveLength(sample.turns.length + 4);
    expect(
      repeated.turns.every(
        (turn, index) => index === 0 || turn.speaker !== repeated.turns[index - 1]!.speaker,
      ),
    ).toBe(true);

    const truncated = plant('truncated');
    expect(truncated.turns.length).toBeLessThan(sample.turns.length * 0.75);
    expect(truncated.turns.at(-1)!.text).not.toMatch(/[.!?]$/);

    const donor = conversations.find((conversation) => conversation.id !== sample.id)!;
    expect(plant('swapped-personas', donor).user1Persona).toEqual(donor.user1Persona);
    expect(plant('exchanged-personas')).toMatchObject({
      user1Persona: sample.user2Persona,
      user2Persona: sample.user1Persona,
    });

    const contradicted = plant('self-contradiction');
    const changed = contradicted.turns.findIndex((turn, index) => turn.text !== sample.turns[index]!.text);
    const added = contradicted.turns[changed]!.text.slice(sample.turns[changed]!.text.length).trim();
    const own = contradicted.turns[changed]!.speaker === 'user1' ? sample.user1Persona : sample.user2Persona;
    expect(own.some((attribute) => detectContradiction(attribute, added).contradiction)).toBe(true);

    const shuffled = plant('shuffled');
    expect(shuffled.turns.map((turn) => turn.speaker)).toEqual(sample.turns.map((turn) => turn.speaker));
    expect(shuffled.turns.map((turn) => turn.text).sort()).toEqual(
      sample.turns.map((turn) => turn.text).sort(),
    );
    expect(shuffled.turns.map((turn) => turn.text)).not.toEqual(sample.turns.map((turn) => turn.text));

    expect(JSON.stringify(sample)).toBe(before);
  });

  it('is deterministic for a seed and names copies after their source', () => {
    const few = conversations.slice(0, 20);
    const first = plantDefects(few, { kinds: ['abuse', 'swapped-personas'], seed: 3 });
    expect(plantDefects(few, { kinds: ['abuse', 'swapped-personas'], seed: 3 })).toEqual(first);
    expect(first[0]!.planted[0]!.conversation.id).toBe(`${first[0]!.planted[0]!.sourceId}~abuse`);
    // No conversation gets its own personas back.
    for (const item of first[1]!.planted) {
      const source = few.find((conversation) => conversation.id === item.sourceId)!;
      expect(item.conversation.user1Persona).not.toBe(source.user1Persona);
    }
  });

  // Scores about 6,000 conversations: ~20 s alone, longer on a busy machine.
  it('meets the catch targets of every kind and rejects few untouched conversations', {
    timeout: 180_000,
  }, async () => {
    const report = await measureCatchRates(conversations, { seed: 1 });
    const shares = Object.fromEntries(report.kinds.map((kind) => [kind.kind, kind.share]));
    // Measured (seed 1): verbatim copy, abuse and repeated turns 100 %, truncation 98.1 %,
    // swapped personas 82.6 %, exchanged 82.2 %, self-contradiction 99.2 %, shuffled 0 %.
    for (const [kind, target] of Object.entries(CATCH_TARGETS)) {
      expect({ kind, share: shares[kind] }).toEqual({
        kind,
        share: expect.toSatisfy((share: number) => share >= target!),
      });
    }
    expect(report.kinds.every((kind) => kind.planted >= 500)).toBe(true);
    // Which expert catches what.
    const byExpert = Object.fromEntries(report.kinds.map((kind) => [kind.kind, kind.byExpert]));
    expect(byExpert['verbatim-copy']).toMatchObject({ copying: report.kinds[0]!.planted });
    expect(byExpert.abuse).toEqual({ 'toxicity-wordlist': report.kinds[1]!.planted });
    expect(byExpert['exchanged-personas']!.roles).toBeGreaterThan(400);
    // Untouched: 968 conversations; rejected for reasons other than unfilled placeholders:
    // measured 95 (9.8 %); scene notes such as "(The next day)" are narration, not defects.
    expect(report.untouched.total).toBe(968);
    expect(report.untouched.rejectionRate).toBeLessThanOrEqual(MAX_UNTOUCHED_REJECTION);
  });
});
