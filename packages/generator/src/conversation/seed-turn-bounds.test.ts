import type { Conversation, RunConfig } from '@parley/core';
import { runConfigSchema } from '@parley/core';
import { structureProblems } from '@parley/critic';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  loadSpcTestConversations,
  SPC_TEST_CSV,
  spcTestCsvExists,
} from '../../../../test/support/spc-test-split';
import { generatedConversationSchema, toConversation } from './generated-conversation';
import { resolveTurnBounds, seedTurnBounds, withSeedTurnBounds } from './seed-turn-bounds';

function conversationWithCounts(id: string, user1: number, user2: number): Conversation {
  const turns = Array.from({ length: Math.max(user1, user2) * 2 }, (_, index) => ({
    speaker: index % 2 === 0 ? ('user1' as const) : ('user2' as const),
    text: `line ${index}`,
  })).filter((turn, index) => (turn.speaker === 'user1' ? index / 2 < user1 : (index - 1) / 2 < user2));
  return { id, user1Persona: ['I sail.'], user2Persona: ['I bake.'], turns };
}

describe('seedTurnBounds', () => {
  it('widens the p5–p95 of turns per speaker by half on each side; empty conversations do not count', () => {
    const conversations = Array.from({ length: 20 }, (_, index) =>
      conversationWithCounts(`c${index}`, 10 + index, 10 + index),
    );
    conversations.push({ id: 'empty', user1Persona: [], user2Persona: [], turns: [] });
    const bounds = seedTurnBounds(conversations);
    expect(bounds).toMatchObject({
      speakers: 40,
      p5: 10,
      p95: 28,
      minTurnsPerSpeaker: 5,
      maxTurnsPerSpeaker: 42,
    });
    expect(() => seedTurnBounds([])).toThrow(RangeError);
  });

  it('keeps the bounds a job sets and derives only the missing end', () => {
    const seed = () => [conversationWithCounts('a', 10, 10), conversationWithCounts('b', 12, 12)];
    expect(resolveTurnBounds({ minTurnsPerSpeaker: 2, maxTurnsPerSpeaker: 3 }, seed)).toEqual({
      minTurnsPerSpeaker: 2,
      maxTurnsPerSpeaker: 3,
    });
    expect(resolveTurnBounds({ minTurnsPerSpeaker: 7 }, seed)).toEqual({
      minTurnsPerSpeaker: 7,
      maxTurnsPerSpeaker: 18,
    });
    // A set maximum below the derived minimum wins.
    expect(resolveTurnBounds({ maxTurnsPerSpeaker: 3 }, seed)).toEqual({
      minTurnsPerSpeaker: 3,
      maxTurnsPerSpeaker: 3,
    });
  });
});

describe.skipIf(!spcTestCsvExists())('turn bounds from the Synthetic-Persona-Chat test split', () => {
  let conversations: Conversation[];
  beforeAll(async () => {
    conversations = await loadSpcTestConversations();
  });

  it('derives 4–33 turns per speaker (p5 8, median 13, p95 22)', () => {
    expect(seedTurnBounds(conversations)).toEqual({
      minTurnsPerSpeaker: 4,
      maxTurnsPerSpeaker: 33,
      speakers: 1934,
      p5: 8,
      median: 13,
      p95: 22,
    });
  });

  it('fills the bounds of a run config from its seed file, once, where the run is created', async () => {
    const config: RunConfig = runConfigSchema.parse({
      name: 'bounds',
      seed: { path: SPC_TEST_CSV },
      models: { m: { provider: 'simulator', model: 'sim' } },
      generator: { model: 'm' },
      critic: { model: 'm' },
    });
    expect(config.generator.minTurnsPerSpeaker).toBeUndefined();
    const resolved = await withSeedTurnBounds(config);
    expect(resolved.generator).toMatchObject({ minTurnsPerSpeaker: 4, maxTurnsPerSpeaker: 33 });
    // The stored config round-trips through the schema with its numbers.
    expect(runConfigSchema.parse(JSON.parse(JSON.stringify(resolved))).generator.maxTurnsPerSpeaker).toBe(33);
  });

  it('its conversations, fed as Generator output, pass the output schema and the structure filter except for placeholders', () => {
    const bounds = seedTurnBounds(conversations);
    const schema = generatedConversationSchema(bounds.minTurnsPerSpeaker, bounds.maxTurnsPerSpeaker);
    // A Generator answer gives every line a speaker: the 21 conversations with a scene note
    // ("(The next day)", "* * *") and the empty one cannot be written as Generator output.
    const expressible = conversations.filter(
      (conversation) =>
        conversation.turns.length > 0 && conversation.turns.every((turn) => turn.speaker !== null),
    );
    expect(expressible.length).toBe(946);
    const failures: string[] = [];
    let withPlaceholders = 0;
    for (const conversation of expressible) {
      const answer = schema.safeParse({
        turns: conversation.turns.map((turn) => ({
          speaker: turn.speaker === 'user1' ? 'User 1' : 'User 2',
          text: turn.text,
        })),
      });
      if (!answer.success) {
        failures.push(`${conversation.id}: output schema: ${answer.error.message}`);
        continue;
      }
      const generated = toConversation(
        conversation.id,
        {
          id: 'pair',
          user1: { id: 'u1', attributes: conversation.user1Persona },
          user2: { id: 'u2', attributes: conversation.user2Persona },
        },
        answer.data,
      );
      const problems = structureProblems(generated, bounds);
      const others = problems.filter((problem) => !problem.includes('unfilled placeholder'));
      if (problems.length > others.length) withPlaceholders++;
      if (others.length > 0) failures.push(`${conversation.id}: ${others.join('; ')}`);
    }
    expect(failures).toEqual([]);
    // About a third of SPC's conversations keep a "[User 1's name]"-style slot.
    expect(withPlaceholders).toBeGreaterThan(250);
    expect(withPlaceholders).toBeLessThan(400);
  });
});
