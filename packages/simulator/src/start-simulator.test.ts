import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { SimulatorStats } from './simulator-stats';
import { type RunningSimulator, startSimulator } from './start-simulator';

const PROMPT = [
  'Here are two profiles. Write a natural conversation with more than 5 and fewer than 8 turns.',
  '',
  'User 1 Profile:',
  '- I have a turtle named Timothy.',
  '- I love to dance at the club.',
  '',
  'User 2 Profile:',
  '- My favorite sport is ultimate frisbee.',
  '- I am a nurse.',
].join('\n');

const turnsSchema = z.object({
  turns: z
    .array(z.object({ speaker: z.enum(['user1', 'user2']).nullable(), text: z.string().min(1) }))
    .min(6)
    .max(7),
});

// biome-ignore lint/suspicious/noExplicitAny: the assertions themselves check the shape of each answer.
type ResponseJson = any;

async function post(
  url: string,
  body: unknown,
): Promise<{ status: number; headers: Headers; json: ResponseJson }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, json: await response.json() };
}

function cosine(a: number[], b: number[]): number {
  let dot = 0;
  for (let index = 0; index < a.length; index++) dot += a[index]! * b[index]!;
  return dot;
}

describe('startSimulator over HTTP', () => {
  let simulator: RunningSimulator;
  let chatUrl: string;

  beforeAll(async () => {
    simulator = await startSimulator({ seed: 11 });
    chatUrl = `${simulator.openaiBaseURL}/chat/completions`;
  });
  afterAll(() => simulator.close());

  it('listens on loopback and reports both base URLs', () => {
    expect(simulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(simulator.openaiBaseURL).toBe(`${simulator.url}/v1`);
    expect(simulator.anthropicBaseURL).toBe(simulator.url);
  });

  it('answers a plain chat completion with a conversation for two profiles, with usage', async () => {
    const { status, headers, json } = await post(chatUrl, {
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: PROMPT }],
    });
    expect(status).toBe(200);
    expect(headers.get('x-request-id')).toMatch(/^req_/);
    expect(json.object).toBe('chat.completion');
    expect(json.id).toMatch(/^chatcmpl-/);
    expect(json.model).toBe('gpt-4o-mini');
    const [choice] = json.choices;
    expect(choice.finish_reason).toBe('stop');
    expect(choice.message.role).toBe('assistant');
    const lines: string[] = choice.message.content.split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(6);
    expect(lines.length).toBeLessThanOrEqual(7);
    for (const [index, line] of lines.entries()) {
      expect(line.startsWith(index % 2 === 0 ? 'User 1: ' : 'User 2: ')).toBe(true);
    }
    expect(json.usage.prompt_tokens).toBeGreaterThan(PROMPT.length / 4);
    expect(json.usage.completion_tokens).toBe(Math.ceil(choice.message.content.length / 4));
    expect(json.usage.total_tokens).toBe(json.usage.prompt_tokens + json.usage.completion_tokens);
  });

  it('answers json_schema requests with content valid against the schema, deterministically', async () => {
    const body = {
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You write conversations.' },
        { role: 'user', content: PROMPT },
      ],
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'conversation', strict: true, schema: z.toJSONSchema(turnsSchema) },
      },
    };
    const first = await post(chatUrl, body);
    const second = await post(chatUrl, body);
    expect(first.status).toBe(200);
    const parsed = turnsSchema.parse(JSON.parse(first.json.choices[0].message.content));
    expect(parsed.turns[0]!.speaker).toBe('user1');
    expect(second.json.choices[0].message.content).toBe(first.json.choices[0].message.content);
    expect(second.json.id).not.toBe(first.json.id);
  });

  it('answers json_object requests with a JSON object', async () => {
    const { json } = await post(chatUrl, {
      model: 'm',
      messages: [{ role: 'user', content: 'Reply in JSON.' }],
      response_format: { type: 'json_object' },
    });
    expect(typeof JSON.parse(json.choices[0].message.content)).toBe('object');
  });

  it('returns n distinct choices and cuts at max_tokens with finish_reason length', async () => {
    const { json } = await post(chatUrl, { model: 'm', n: 3, messages: [{ role: 'user', content: PROMPT }] });
    expect(json.choices.map((choice: { index: number }) => choice.index)).toEqual([0, 1, 2]);
    expect(
      new Set(json.choices.map((choice: { message: { content: string } }) => choice.message.content)).size,
    ).toBe(3);
    const total = json.choices.reduce(
      (sum: number, choice: { message: { content: string } }) =>
        sum + Math.ceil(choice.message.content.length / 4),
      0,
    );
    expect(json.usage.completion_tokens).toBe(total);

    const cut = await post(chatUrl, {
      model: 'm',
      max_completion_tokens: 5,
      messages: [{ role: 'user', content: PROMPT }],
    });
    expect(cut.json.choices[0].finish_reason).toBe('length');
    expect(cut.json.choices[0].message.content.length).toBeLessThanOrEqual(20);
    expect(cut.json.usage.completion_tokens).toBeLessThanOrEqual(5);
  });

  it('embeds texts so that similar ones are closer than unrelated ones', async () => {
    const { status, json } = await post(`${simulator.openaiBaseURL}/embeddings`, {
      model: 'text-embedding-3-small',
      input: ['I have a dog named Max.', 'I have two dogs.', 'The quarterly report is due on Friday.'],
      encoding_format: 'float',
    });
    expect(status).toBe(200);
    expect(json.object).toBe('list');
    const vectors: number[][] = json.data.map((item: { embedding: number[] }) => item.embedding);
    expect(vectors[0]!.length).toBe(1536);
    expect(cosine(vectors[0]!, vectors[0]!)).toBeCloseTo(1, 5);
    expect(cosine(vectors[0]!, vectors[1]!)).toBeGreaterThan(0.4);
    expect(cosine(vectors[0]!, vectors[1]!)).toBeGreaterThan(cosine(vectors[0]!, vectors[2]!) + 0.3);
    expect(json.usage.prompt_tokens).toBeGreaterThan(0);

    const sized = await post(`${simulator.openaiBaseURL}/embeddings`, {
      model: 'm',
      input: 'hello',
      dimensions: 64,
    });
    expect(sized.json.data[0].embedding).toHaveLength(64);
    const base64 = await post(`${simulator.openaiBaseURL}/embeddings`, {
      model: 'm',
      input: 'hello',
      dimensions: 64,
      encoding_format: 'base64',
    });
    const bytes = Buffer.from(base64.json.data[0].embedding, 'base64');
    const decoded = Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, 64));
    for (const [index, value] of decoded.entries()) {
      expect(value).toBeCloseTo(sized.json.data[0].embedding[index], 6);
    }
  });

  it('flags insults and violence in moderations', async () => {
    const { json } = await post(`${simulator.openaiBaseURL}/moderations`, {
      input: ['You are a pathetic idiot and I will hurt you.', 'I love baking bread on Sundays.'],
    });
    const [bad, good] = json.results;
    expect(bad.flagged).toBe(true);
    expect(bad.categories.harassment).toBe(true);
    expect(bad.category_scores.harassment).toBeGreaterThan(0.5);
    expect(good.flagged).toBe(false);
    expect(Math.max(...(Object.values(good.category_scores) as number[]))).toBeLessThan(0.1);
  });

  it('answers Anthropic messages, plain and structured', async () => {
    const messagesUrl = `${simulator.anthropicBaseURL}/v1/messages`;
    const plain = await post(messagesUrl, {
      model: 'claude-haiku-4-5',
      max_tokens: 1024,
      system: 'Be brief.',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'How was your weekend?' }] }],
    });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('request-id')).toMatch(/^req_/);
    expect(plain.json).toMatchObject({
      type: 'message',
      role: 'assistant',
      stop_reason: 'end_turn',
      stop_sequence: null,
    });
    expect(plain.json.id).toMatch(/^msg_/);
    expect(plain.json.content[0].type).toBe('text');
    expect(plain.json.usage.output_tokens).toBe(Math.ceil(plain.json.content[0].text.length / 4));

    const structured = await post(messagesUrl, {
      model: 'claude-haiku-4-5',
      max_tokens: 4096,
      messages: [{ role: 'user', content: PROMPT }],
      output_config: { format: { type: 'json_schema', schema: z.toJSONSchema(turnsSchema) } },
    });
    expect(turnsSchema.safeParse(JSON.parse(structured.json.content[0].text)).success).toBe(true);

    const tool = await post(messagesUrl, {
      model: 'claude-haiku-4-5',
      max_tokens: 512,
      messages: [{ role: 'user', content: 'Judge this.' }],
      tools: [
        {
          name: 'verdict',
          input_schema: { type: 'object', properties: { passed: { type: 'boolean' } }, required: ['passed'] },
        },
      ],
      tool_choice: { type: 'tool', name: 'verdict' },
    });
    expect(tool.json.stop_reason).toBe('tool_use');
    expect(tool.json.content[0]).toMatchObject({ type: 'tool_use', name: 'verdict' });
    expect(typeof tool.json.content[0].input.passed).toBe('boolean');

    const cut = await post(messagesUrl, {
      model: 'c',
      max_tokens: 3,
      messages: [{ role: 'user', content: PROMPT }],
    });
    expect(cut.json.stop_reason).toBe('max_tokens');
  });

  it('rejects bad requests with 400 in each provider’s error shape', async () => {
    const openai = await post(chatUrl, { model: 'm', messages: [{ role: 'robot', content: 'hi' }] });
    expect(openai.status).toBe(400);
    expect(openai.json.error.type).toBe('invalid_request_error');
    expect(openai.json.error.message).toMatch(/messages\.0\.role/);
    const notJson = await post(chatUrl, '{"model":');
    expect(notJson.status).toBe(400);
    expect(notJson.json.error.message).toMatch(/not valid JSON/);
    const anthropic = await post(`${simulator.url}/v1/messages`, {
      model: 'c',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(anthropic.status).toBe(400);
    expect(anthropic.json).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    expect(anthropic.json.error.message).toMatch(/max_tokens/);
    const badRef = await post(chatUrl, {
      model: 'm',
      messages: [{ role: 'user', content: 'x' }],
      response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { $ref: '#/$defs/Nope' } } },
    });
    expect(badRef.status).toBe(400);
    expect(badRef.json.error.message).toMatch(/\$defs\/Nope/);
    const missing = await fetch(`${simulator.url}/v1/nothing`, { method: 'POST', body: '{}' });
    expect(missing.status).toBe(404);
  });

  it('lists models and reports what it served at /stats', async () => {
    const models = (await (await fetch(`${simulator.openaiBaseURL}/models`)).json()) as OpenAI.ModelsPage;
    expect(models.data.map((model) => model.id)).toContain('gpt-4o-mini');
    simulator.resetStats();
    await post(chatUrl, { model: 'm', messages: [{ role: 'user', content: 'one' }] });
    await post(chatUrl, { model: 'm', messages: [{ role: 'user', content: 'two' }] });
    await post(chatUrl, { model: 'm', messages: [] });
    const stats = (await (await fetch(`${simulator.url}/stats`)).json()) as SimulatorStats;
    expect(stats.requests.total).toBe(3);
    expect(stats.requests.byRoute).toEqual({ 'POST /v1/chat/completions': 3 });
    expect(stats.requests.byStatus).toEqual({ '200': 2, '400': 1 });
    expect(stats.tokens.input).toBeGreaterThan(0);
    expect(stats.tokens.output).toBeGreaterThan(0);
    expect(simulator.stats().requests).toEqual(stats.requests);
  });
});

describe('startSimulator with a text source', () => {
  it('draws conversation text from the Synthetic-Persona-Chat CSV', async () => {
    const csv =
      process.env['PARLEY_SPC_TEST_CSV'] ??
      path.resolve(import.meta.dirname, '../../../../shared/data/Synthetic-Persona-Chat_test.csv');
    const simulator = await startSimulator({ seed: 2, textSource: csv });
    try {
      const { json } = await post(`${simulator.openaiBaseURL}/chat/completions`, {
        model: 'm',
        messages: [{ role: 'user', content: PROMPT }],
      });
      expect(json.choices[0].message.content.split('\n').length).toBeGreaterThanOrEqual(6);
      const health = (await (await fetch(`${simulator.url}/health`)).json()) as { corpus: string };
      expect(health.corpus).toBe(csv);
    } finally {
      await simulator.close();
    }
  });

  it('reads Parley JSONL and rejects a broken line with its location', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'parley-simulator-'));
    try {
      const good = path.join(folder, 'seed.jsonl');
      const line = {
        id: 'c1',
        user1Persona: ['I like kites.'],
        user2Persona: ['I bake bread.'],
        turns: [
          { speaker: 'user1', text: 'Hello there, do you like flying kites on windy beaches?' },
          { speaker: 'user2', text: 'Only when the wind is strong enough to lift a big red kite.' },
          { speaker: 'user1', text: 'See you at the beach then!' },
        ],
      };
      await writeFile(good, `${JSON.stringify(line)}\n`);
      const simulator = await startSimulator({ textSource: good });
      await simulator.close();
      const bad = path.join(folder, 'bad.jsonl');
      await writeFile(bad, `${JSON.stringify(line)}\n{not json\n`);
      await expect(startSimulator({ textSource: bad })).rejects.toThrow(`${bad}:2`);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('rejects invalid options with a config error', async () => {
    await expect(startSimulator({ faults: { hang: 2 } })).rejects.toThrow(/faults\.hang/);
    await expect(startSimulator({ port: -1 })).rejects.toThrow(/port/);
  });
});
