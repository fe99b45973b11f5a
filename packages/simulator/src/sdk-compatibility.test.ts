import Anthropic from '@anthropic-ai/sdk';
import { zodOutputFormat } from '@anthropic-ai/sdk/helpers/zod';
import OpenAI from 'openai';
import { zodFunction, zodResponseFormat } from 'openai/helpers/zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type RunningSimulator, startSimulator } from './start-simulator';

// The official SDKs are the real clients of the simulator: their parsers are the contract.

const PROMPT = [
  'Write a conversation.',
  'User 1 Profile:',
  '- I have a turtle named Timothy.',
  '- I love to dance at the club.',
  'User 2 Profile:',
  '- I am a nurse.',
  '- Autumn is my favorite season.',
].join('\n');

const conversationSchema = z.object({
  turns: z
    .array(z.object({ speaker: z.enum(['user1', 'user2']).nullable(), text: z.string().min(1) }))
    .min(6)
    .max(8),
  quality: z.number().int().min(1).max(5),
  tags: z.array(z.string().max(12)).max(2),
});
const verdictSchema = z.object({ passed: z.boolean(), rationale: z.string() });

describe('official SDKs against the simulator', () => {
  let simulator: RunningSimulator;
  let openai: OpenAI;
  let anthropic: Anthropic;

  beforeAll(async () => {
    simulator = await startSimulator({ seed: 9 });
    openai = new OpenAI({ baseURL: simulator.openaiBaseURL, apiKey: 'test', maxRetries: 0 });
    anthropic = new Anthropic({ baseURL: simulator.anthropicBaseURL, apiKey: 'test', maxRetries: 0 });
  });
  afterAll(() => simulator.close());

  it('openai: chat.completions.parse with zodResponseFormat and zodFunction', async () => {
    const completion = await openai.chat.completions.parse({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: PROMPT }],
      response_format: zodResponseFormat(conversationSchema, 'conversation'),
    });
    const parsed = completion.choices[0]!.message.parsed!;
    expect(conversationSchema.parse(parsed).turns[0]!.speaker).toBe('user1');
    expect(completion.usage!.completion_tokens).toBeGreaterThan(0);

    const withTool = await openai.chat.completions.parse({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: PROMPT }],
      tools: [zodFunction({ name: 'verdict', parameters: verdictSchema })],
      tool_choice: { type: 'function', function: { name: 'verdict' } },
    });
    const call = withTool.choices[0]!.message.tool_calls![0]!;
    expect(call.type).toBe('function');
    if (call.type === 'function') expect(verdictSchema.parse(call.function.parsed_arguments)).toBeDefined();
  });

  it('openai: streams a completion with usage', async () => {
    const stream = await openai.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'How are you?' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      usage = chunk.usage ?? usage;
    }
    expect(text.length).toBeGreaterThan(0);
    expect(usage?.completion_tokens).toBe(Math.ceil(text.length / 4));
  });

  it('openai: embeddings (base64 by default), moderations and models', async () => {
    const embeddings = await openai.embeddings.create({
      model: 'text-embedding-3-small',
      input: ['I have a dog.', 'I have dogs.'],
    });
    expect(embeddings.data).toHaveLength(2);
    expect(embeddings.data[0]!.embedding).toHaveLength(1536);
    const moderation = await openai.moderations.create({ input: 'You are a worthless idiot.' });
    expect(moderation.results[0]!.flagged).toBe(true);
    const models = await openai.models.list();
    expect(models.data.length).toBeGreaterThan(0);
  });

  it('anthropic: messages.parse with zodOutputFormat, beta output_format, and tool use', async () => {
    const message = await anthropic.messages.parse({
      model: 'claude-haiku-4-5',
      max_tokens: 4096,
      messages: [{ role: 'user', content: PROMPT }],
      output_config: { format: zodOutputFormat(conversationSchema) },
    });
    expect(conversationSchema.parse(message.parsed_output).turns.length).toBeGreaterThanOrEqual(6);
    expect(message.usage.input_tokens).toBeGreaterThan(0);

    const beta = await anthropic.beta.messages.parse({
      model: 'claude-haiku-4-5',
      max_tokens: 4096,
      messages: [{ role: 'user', content: PROMPT }],
      output_format: zodOutputFormat(verdictSchema),
    });
    expect(verdictSchema.parse(beta.parsed_output)).toBeDefined();

    const tool = await anthropic.messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 512,
      messages: [{ role: 'user', content: 'Judge it.' }],
      tools: [{ name: 'verdict', input_schema: z.toJSONSchema(verdictSchema) as Anthropic.Tool.InputSchema }],
      tool_choice: { type: 'tool', name: 'verdict' },
    });
    expect(tool.stop_reason).toBe('tool_use');
    const block = tool.content[0]!;
    expect(block.type === 'tool_use' && verdictSchema.safeParse(block.input).success).toBe(true);
  });

  it('anthropic: streams a message', async () => {
    const stream = anthropic.messages.stream({
      model: 'claude-haiku-4-5',
      max_tokens: 512,
      messages: [{ role: 'user', content: 'Hello!' }],
    });
    const message = await stream.finalMessage();
    const block = message.content[0]!;
    expect(block.type).toBe('text');
    if (block.type === 'text') expect(message.usage.output_tokens).toBe(Math.ceil(block.text.length / 4));
  });

  it('maps injected faults to the SDKs’ own error classes, and their retries recover', async () => {
    const faulty = await startSimulator({ seed: 4, faults: { rateLimited: 1, retryAfterSeconds: 1 } });
    const hanging = await startSimulator({ faults: { hang: 1 } });
    const flaky = await startSimulator({ seed: 4, faults: { serverError: 0.5 } });
    try {
      const limited = new OpenAI({ baseURL: faulty.openaiBaseURL, apiKey: 'test', maxRetries: 0 });
      await expect(
        limited.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }),
      ).rejects.toBeInstanceOf(OpenAI.RateLimitError);
      const limitedAnthropic = new Anthropic({
        baseURL: faulty.anthropicBaseURL,
        apiKey: 'test',
        maxRetries: 0,
      });
      await expect(
        limitedAnthropic.messages.create({
          model: 'c',
          max_tokens: 5,
          messages: [{ role: 'user', content: 'hi' }],
        }),
      ).rejects.toBeInstanceOf(Anthropic.RateLimitError);

      const impatient = new OpenAI({
        baseURL: hanging.openaiBaseURL,
        apiKey: 'test',
        maxRetries: 0,
        timeout: 200,
      });
      await expect(
        impatient.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }),
      ).rejects.toBeInstanceOf(OpenAI.APIConnectionTimeoutError);

      // The SDK retries 5xx by itself; each retry of the same body draws a new decision.
      const retrying = new OpenAI({ baseURL: flaky.openaiBaseURL, apiKey: 'test', maxRetries: 8 });
      const results = [];
      for (let index = 0; index < 4; index++) {
        results.push(
          await retrying.chat.completions.create({
            model: 'm',
            messages: [{ role: 'user', content: `q${index}` }],
          }),
        );
      }
      expect(results.every((result) => result.choices[0]!.message.content)).toBe(true);
      const stats = flaky.stats();
      expect(stats.requests.total).toBe(4 + stats.faults.serverError);
    } finally {
      await Promise.all([faulty.close(), hanging.close(), flaky.close()]);
    }
  });
});
