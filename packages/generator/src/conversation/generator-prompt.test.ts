import type { Conversation, ProfilePair } from '@parley/core';
import { MockLanguageModel } from '@parley/llm';
import { describe, expect, it } from 'vitest';
import { generateCandidate } from './generate-candidate';
import { generatedConversationSchema } from './generated-conversation';
import { buildGeneratorPrompt } from './generator-prompt';
import { EXAMPLE_BLOCKS, exampleDrawKey, pickExamples } from './pick-examples';

const pair: ProfilePair = {
  id: 'p1',
  user1: { id: 'a', attributes: ['I have a turtle named Timothy.', 'I love ultimate frisbee.'] },
  user2: { id: 'b', attributes: ['I run a dog obedience school.', 'I have a sweet tooth.'] },
};

function example(id: string, user1 = ['I bake bread.'], user2 = ['I sail on weekends.']): Conversation {
  return {
    id,
    user1Persona: user1,
    user2Persona: user2,
    turns: [
      { speaker: 'user1', text: `Hello from ${id}` },
      { speaker: 'user2', text: 'Hi there' },
      { speaker: null, text: '(The next day)' },
    ],
  };
}

describe('buildGeneratorPrompt', () => {
  it('has the paper shape: examples with both profiles and a conversation, then the target profiles', () => {
    const messages = buildGeneratorPrompt({
      examples: [example('e1'), example('e2')],
      pair,
      minTurnsPerSpeaker: 6,
      maxTurnsPerSpeaker: 7,
    });
    expect(messages.map((message) => message.role)).toEqual(['system', 'user', 'user']);
    // The stable part (examples, instructions) is marked for prompt caching; the target comes last.
    expect(messages.map((message) => message.cacheBreakpoint ?? false)).toEqual([false, true, false]);
    const user = messages
      .slice(1)
      .map((message) => message.content)
      .join('\n\n');
    expect(user.match(/User 1 Profile:/g)).toHaveLength(3);
    expect(user).toContain(
      'Example 2\nUser 1 Profile:\n- I bake bread.\nUser 2 Profile:\n- I sail on weekends.\nConversation:\nUser 1: Hello from e2\nUser 2: Hi there\n(The next day)',
    );
    expect(user).toContain('about as long as the examples, each of them speaking between 6 and 7 times');
    expect(
      user
        .trimEnd()
        .endsWith('User 2 Profile:\n- I run a dog obedience school.\n- I have a sweet tooth.\nConversation:'),
    ).toBe(true);
    expect(user).toContain('Do not copy the profile sentences verbatim');
  });
});

describe('buildGeneratorPrompt prefix', () => {
  it('is byte-identical for the same examples in any order and for any target pair', () => {
    const other: ProfilePair = {
      id: 'p2',
      user1: { id: 'c', attributes: ['x'] },
      user2: { id: 'd', attributes: ['y'] },
    };
    const first = buildGeneratorPrompt({ examples: [example('e1'), example('e2')], pair });
    const second = buildGeneratorPrompt({ examples: [example('e2'), example('e1')], pair: other });
    expect(second.slice(0, 2)).toEqual(first.slice(0, 2));
    expect(second[2]).not.toEqual(first[2]);
  });

  it('is shared by the pairs of one block, and blocks draw different examples', () => {
    const pool = Array.from({ length: 20 }, (_, index) => example(`e${index}`));
    const ids = Array.from({ length: 400 }, (_, index) => `pair${index}`);
    const byBlock = new Map<string, string[]>();
    for (const id of ids) {
      const key = exampleDrawKey(11, 1, id, 0);
      byBlock.set(key, [...(byBlock.get(key) ?? []), id]);
    }
    expect(byBlock.size).toBe(EXAMPLE_BLOCKS);
    const [blockKey, members] = [...byBlock.entries()].find(([, pairIds]) => pairIds.length >= 2)!;
    const draws = members
      .slice(0, 2)
      .map((id) => pickExamples(pool, { ...pair, id }, 5, exampleDrawKey(11, 1, id, 0)));
    expect(draws[0]!.map((e) => e.id)).toEqual(draws[1]!.map((e) => e.id));
    const otherKey = [...byBlock.keys()].find((key) => key !== blockKey)!;
    expect(pickExamples(pool, pair, 5, otherKey).map((e) => e.id)).not.toEqual(draws[0]!.map((e) => e.id));
    // Candidates of one pair still draw apart.
    expect(exampleDrawKey(11, 1, 'pair1', 0)).not.toBe(exampleDrawKey(11, 1, 'pair1', 1));
  });
});

describe('pickExamples', () => {
  const pool = Array.from({ length: 20 }, (_, index) => example(`e${index}`));

  it('is deterministic per key and varies across keys', () => {
    const first = pickExamples(pool, pair, 5, 'run.1.p1.0').map((e) => e.id);
    expect(pickExamples(pool, pair, 5, 'run.1.p1.0').map((e) => e.id)).toEqual(first);
    expect(pickExamples(pool, pair, 5, 'run.1.p1.1').map((e) => e.id)).not.toEqual(first);
    expect(new Set(first).size).toBe(5);
  });

  it("never offers the target pair's own conversation", () => {
    const own = example('own', pair.user1.attributes, pair.user2.attributes);
    for (let key = 0; key < 30; key++) {
      expect(pickExamples([own, example('x')], pair, 5, String(key)).map((e) => e.id)).toEqual(['x']);
    }
  });
});

describe('generateCandidate', () => {
  it('asks for structured turns with the configured decoding and maps speakers', async () => {
    const model = new MockLanguageModel({
      answers: {
        turns: [
          { speaker: 'User 1', text: ' Hi! ' },
          { speaker: 'User 2', text: 'Hello.' },
        ],
      },
    });
    const result = await generateCandidate({
      model,
      config: {
        model: 'm',
        temperature: 0.7,
        topK: 40,
        minTurnsPerSpeaker: 1,
        maxTurnsPerSpeaker: 7,
        examplesPerPrompt: 5,
      },
      pool: [example('e1')],
      runId: 'run',
      iteration: 2,
      pair,
      candidate: 1,
      randomSeed: 3,
    });
    expect(result.conversation).toEqual({
      id: 'run.2.p1.1',
      user1Persona: pair.user1.attributes,
      user2Persona: pair.user2.attributes,
      turns: [
        { speaker: 'user1', text: 'Hi!' },
        { speaker: 'user2', text: 'Hello.' },
      ],
    });
    expect(result.generation.fewShotIds).toEqual(['e1']);
    expect(model.calls[0]?.decoding).toEqual({ temperature: 0.7, topK: 40, seed: 3001 });
    expect((model.calls[0] as { schemaName?: string }).schemaName).toBe('conversation');
  });

  it('asks for 2×min to 2×max turns in the schema it sends', () => {
    const schema = generatedConversationSchema(6, 7);
    const turns = (count: number) => ({
      turns: Array.from({ length: count }, () => ({ speaker: 'User 1', text: 'x' })),
    });
    expect(schema.safeParse(turns(11)).success).toBe(false);
    expect(schema.safeParse(turns(12)).success).toBe(true);
    expect(schema.safeParse(turns(14)).success).toBe(true);
    expect(schema.safeParse(turns(15)).success).toBe(false);
    // One object per bounds, so the LLM layer converts it to JSON Schema once.
    expect(generatedConversationSchema(6, 7)).toBe(schema);
    expect(generatedConversationSchema(5, 7)).not.toBe(schema);
    expect(generatedConversationSchema(5, 7).safeParse(turns(10)).success).toBe(true);
  });

  it('rejects an answer that is not a conversation', async () => {
    const model = new MockLanguageModel({ answers: { turns: [{ speaker: 'Narrator', text: 'x' }] } });
    await expect(
      generateCandidate({
        model,
        config: {
          model: 'm',
          temperature: 0.7,
          topK: 40,
          minTurnsPerSpeaker: 6,
          maxTurnsPerSpeaker: 7,
          examplesPerPrompt: 5,
        },
        pool: [],
        runId: 'run',
        iteration: 1,
        pair,
        candidate: 0,
        randomSeed: 1,
      }),
    ).rejects.toThrow();
  });
});
