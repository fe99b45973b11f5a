import { ConfigError, InputError, ParleyError } from '@parley/core';
import { type ChatMessage, MockLanguageModel, type ObjectRequest, type TextRequest } from '@parley/llm';
import { describe, expect, it } from 'vitest';
import { bootstrapPersonasStage, buildBootstrapPersonaPrompt } from './bootstrap-personas-stage';
import { bootstrapQueriesStage, buildBootstrapQueryPrompt } from './bootstrap-queries-stage';
import { buildConsistencyPrompt, checkConsistencyStage } from './check-consistency-stage';
import { createInProcessChunkRunner } from './in-process-chunk-runner';
import { buildInduceQueryPrompt, induceQueriesStage } from './induce-queries-stage';
import { runPersonaChunk } from './persona-stages';

const userText = (messages: ChatMessage[]) =>
  messages.find((message) => message.role === 'user')?.content ?? '';
const lastUser = (request: TextRequest | ObjectRequest<unknown>) => userText(request.messages);

describe('prompts', () => {
  it('query induction lists the cluster sample and asks for the one question they answer', () => {
    const sample = {
      cluster: 4,
      attributes: ['I have a dog named Max.', 'I own two cats.', 'My parrot talks.'],
    };
    const frozen = structuredClone(sample);
    const prompt = buildInduceQueryPrompt(sample);
    expect(buildInduceQueryPrompt(sample)).toEqual(prompt);
    expect(sample).toEqual(frozen);
    expect(prompt.map((message) => message.role)).toEqual(['system', 'user']);
    const text = userText(prompt);
    for (const attribute of sample.attributes) expect(text).toContain(`- ${attribute}`);
    expect(text).toContain('What is the question that all of these facts answer?');
    expect(text).toContain('{"question": "..."}');
  });

  it('query bootstrapping numbers the example queries', () => {
    const text = userText(
      buildBootstrapQueryPrompt({ examples: ['What pets do you have?', 'Where do you live?'] }),
    );
    expect(text).toContain('1. What pets do you have?\n2. Where do you live?');
    expect(text).toContain('Write one new question');
  });

  it('persona bootstrapping is the paper prompt: persona, query, one sentence starting with I or My', () => {
    const item = {
      query: 'What pets do you have?',
      persona: [
        'I like to dance.',
        'I run a school.',
        'I love sweets.',
        'I just bought a house.',
        'I post selfies.',
      ],
    };
    const text = userText(buildBootstrapPersonaPrompt(item));
    expect(text.startsWith('Imagine you are a person with the following persona:\n- I like to dance.')).toBe(
      true,
    );
    for (const attribute of item.persona) expect(text).toContain(`- ${attribute}`);
    expect(text).toContain('Answer the following question as this person: What pets do you have?');
    expect(text).toContain('Answer in one short sentence that starts with "I" or "My".');
  });

  it('the consistency check asks whether A entails the negation of B', () => {
    const text = userText(buildConsistencyPrompt({ first: 'I have a dog.', second: 'I have no pets.' }));
    expect(text).toContain('Fact A: I have a dog.\nFact B: I have no pets.');
    expect(text).toContain('entail the negation of fact B');
  });
});

describe('stage runs', () => {
  it('answers every item in order, validates answers and adds up usage', async () => {
    const model = new MockLanguageModel({
      answers: (request: TextRequest | ObjectRequest<unknown>) => {
        const query = /as this person: (.*)/.exec(lastUser(request))?.[1];
        return query === 'Where do you live?'
          ? { attribute: 'Paris is lovely.' }
          : { attribute: `I answer ${query}` };
      },
    });
    const output = await bootstrapPersonasStage.run(
      {
        items: [
          { query: 'What pets do you have?', persona: ['I like cats.'] },
          { query: 'Where do you live?', persona: ['I like cats.'] },
          { query: 'What is your job?', persona: ['I like cats.'] },
        ],
      },
      { personas: model },
      { runId: 'run-1' },
    );
    expect(output.results).toEqual([
      { ok: true, text: 'I answer What pets do you have?' },
      { ok: false, reason: 'not-first-person', raw: 'Paris is lovely.' },
      { ok: true, text: 'I answer What is your job?' },
    ]);
    expect(output.usage).toEqual({ inputTokens: 30, outputTokens: 15 });
    const request = model.calls[0] as ObjectRequest<unknown>;
    expect(request.stage).toBe('personas:bootstrap-personas');
    expect(request.runId).toBe('run-1');
    expect(request.schemaName).toBe('persona_attribute');
  });

  it('records a non-retryable failure as a rejected item, and fails the chunk on a retryable one', async () => {
    const permanent = new MockLanguageModel({
      answers: () => {
        throw new ParleyError('answer never matched the schema', {
          code: 'LLM_INVALID_RESPONSE',
          isRetryable: false,
        });
      },
    });
    const output = await induceQueriesStage.run(
      { items: [{ cluster: 0, attributes: ['I have a dog.'] }] },
      { personas: permanent },
    );
    expect(output.results).toEqual([
      { ok: false, reason: 'model-error', raw: 'answer never matched the schema' },
    ]);

    const transient = new MockLanguageModel({
      answers: () => {
        throw new ParleyError('429 rate limited', { code: 'LLM_RATE_LIMITED', isRetryable: true });
      },
    });
    await expect(
      bootstrapQueriesStage.run(
        { items: [{ examples: ['What pets do you have?'] }] },
        { personas: transient },
      ),
    ).rejects.toThrow('429 rate limited');
  });

  it('checks consistency with temperature 0 on the consistency model', async () => {
    const model = new MockLanguageModel({
      answers: [{ contradiction: 'yes' }, { contradiction: 'no' }],
    });
    const output = await checkConsistencyStage.run(
      {
        items: [
          { first: 'I have a dog.', second: 'I have no pets.' },
          { first: 'I have a dog.', second: 'I like tea.' },
        ],
      },
      { consistency: model },
    );
    expect(output.results).toEqual([
      { ok: true, contradiction: true },
      { ok: true, contradiction: false },
    ]);
    expect((model.calls[0] as ObjectRequest<unknown>).decoding).toEqual({ temperature: 0 });
    await expect(
      checkConsistencyStage.run({ items: [{ first: 'a', second: 'b' }] }, { personas: model }),
    ).rejects.toBeInstanceOf(ConfigError);
  });
});

describe('runPersonaChunk', () => {
  const model = new MockLanguageModel({ answers: { question: 'What pets do you have?' } });

  it('runs a chunk by stage name, in process', async () => {
    const runChunk = createInProcessChunkRunner({ models: { personas: model } });
    await expect(
      runChunk('induce-queries', 'induce-queries-0000', {
        items: [{ cluster: 1, attributes: ['I have a cat.'] }],
      }),
    ).resolves.toEqual({
      results: [{ ok: true, text: 'What pets do you have?' }],
      usage: { inputTokens: 10, outputTokens: 5 },
    });
  });

  it('rejects unknown stages and malformed inputs with their location', async () => {
    await expect(
      runPersonaChunk('summon-personas', { items: [] }, { personas: model }),
    ).rejects.toBeInstanceOf(InputError);
    await expect(
      runPersonaChunk('induce-queries', { items: [{ cluster: -1 }] }, { personas: model }),
    ).rejects.toThrow(/personas job induce-queries: invalid chunk input/);
  });
});
