import Anthropic from '@anthropic-ai/sdk';
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchStats } from './batch-api';
import { type RunningSimulator, startSimulator } from './start-simulator';

const chatBody = (index: number) => ({
  model: 'gpt-4.1-mini',
  messages: [{ role: 'user' as const, content: `Say something about topic ${index}.` }],
  max_completion_tokens: 40,
});

const messagesBody = (index: number) => ({
  model: 'claude-sonnet-4-6',
  max_tokens: 40,
  messages: [{ role: 'user' as const, content: `Say something about topic ${index}.` }],
});

async function submitOpenai(client: OpenAI, indexes: number[], metadata?: Record<string, string>) {
  const jsonl = indexes
    .map((index) =>
      JSON.stringify({
        custom_id: `req-${index}`,
        method: 'POST',
        url: '/v1/chat/completions',
        body: chatBody(index),
      }),
    )
    .join('\n');
  const file = await client.files.create({
    file: await toFile(Buffer.from(jsonl), 'batch.jsonl'),
    purpose: 'batch',
  });
  return client.batches.create({
    input_file_id: file.id,
    endpoint: '/v1/chat/completions',
    completion_window: '24h',
    ...(metadata && { metadata }),
  });
}

// biome-ignore lint/suspicious/noExplicitAny: result lines are read field by field, as a client reads JSONL
type JsonLine = Record<string, any>;

async function jsonLines(client: OpenAI, fileId: string | null | undefined): Promise<JsonLine[]> {
  if (!fileId) return [];
  const text = await (await client.files.content(fileId)).text();
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

async function batchStats(simulator: RunningSimulator): Promise<BatchStats> {
  return (await (await fetch(`${simulator.url}/batch-stats`)).json()) as BatchStats;
}

describe('simulated Batch APIs, answered at once', () => {
  let simulator: RunningSimulator;
  let openai: OpenAI;
  let anthropic: Anthropic;
  beforeAll(async () => {
    simulator = await startSimulator({ seed: 5 });
    openai = new OpenAI({ apiKey: 'sk-test', baseURL: simulator.openaiBaseURL, maxRetries: 0 });
    anthropic = new Anthropic({ apiKey: 'sk-ant-test', baseURL: simulator.anthropicBaseURL, maxRetries: 0 });
  });
  afterAll(() => simulator.close());

  it('OpenAI: file upload, batch with metadata, output file matched by custom_id, same content as sync', async () => {
    const batch = await submitOpenai(openai, [1, 2, 3], { parley_batch_key: 'k1' });
    const done = await openai.batches.retrieve(batch.id);
    expect(done.status).toBe('completed');
    expect(done.request_counts).toEqual({ total: 3, completed: 3, failed: 0 });
    expect(done.metadata).toEqual({ parley_batch_key: 'k1' });
    const lines = await jsonLines(openai, done.output_file_id);
    expect(lines.map((line) => line['custom_id']).sort()).toEqual(['req-1', 'req-2', 'req-3']);
    const sync = await openai.chat.completions.create(chatBody(2));
    const batched = lines.find((line) => line['custom_id'] === 'req-2')!['response']['body'];
    expect(batched.choices[0].message.content).toBe(sync.choices[0]!.message.content);
    expect(batched.usage.prompt_tokens).toBe(sync.usage!.prompt_tokens);
    // Listing finds it by its metadata: how a restarted client finds a batch it may have created.
    const listed = await openai.batches.list({ limit: 10 });
    expect(listed.data.some((entry) => entry.metadata?.['parley_batch_key'] === 'k1')).toBe(true);
  });

  it('Anthropic: create, retrieve, results by custom_id, same content as sync', async () => {
    const batch = await anthropic.messages.batches.create({
      requests: [1, 2].map((index) => ({ custom_id: `req-${index}`, params: messagesBody(index) })),
    });
    const done = await anthropic.messages.batches.retrieve(batch.id);
    expect(done.processing_status).toBe('ended');
    expect(done.request_counts.succeeded).toBe(2);
    const results: Record<string, JsonLine> = {};
    for await (const entry of await anthropic.messages.batches.results(batch.id))
      results[entry.custom_id] = entry.result;
    expect(Object.keys(results).sort()).toEqual(['req-1', 'req-2']);
    const sync = await anthropic.messages.create(messagesBody(1));
    expect(results['req-1']?.['type']).toBe('succeeded');
    expect(results['req-1']?.['message'].content).toEqual(sync.content);
    const listed = await anthropic.messages.batches.list({ limit: 5 });
    expect(listed.data.map((entry) => entry.id)).toContain(batch.id);
  });

  it('counts every batch created, by vendor', async () => {
    const before = await batchStats(simulator);
    await submitOpenai(openai, [9]);
    const after = await batchStats(simulator);
    expect(after.batchesCreated.openai).toBe(before.batchesCreated.openai + 1);
    expect(after.filesUploaded).toBe(before.filesUploaded + 1);
  });

  it('rejects a batch whose custom_id repeats', async () => {
    await expect(
      anthropic.messages.batches.create({
        requests: [
          { custom_id: 'same', params: messagesBody(1) },
          { custom_id: 'same', params: messagesBody(2) },
        ],
      }),
    ).rejects.toThrow(/appears twice/);
  });
});

describe('simulated Batch APIs with a completion delay', () => {
  let simulator: RunningSimulator;
  beforeAll(async () => {
    simulator = await startSimulator({ batch: { completionDelayMs: 3_600_000 } });
  });
  afterAll(() => simulator.close());

  it('keeps a batch in progress until its delay, and cancels its lines on request', async () => {
    const openai = new OpenAI({ apiKey: 'sk-test', baseURL: simulator.openaiBaseURL, maxRetries: 0 });
    const batch = await submitOpenai(openai, [1, 2]);
    expect((await openai.batches.retrieve(batch.id)).status).toBe('in_progress');
    expect((await openai.batches.retrieve(batch.id)).output_file_id).toBeNull();
    await openai.batches.cancel(batch.id);
    const cancelled = await openai.batches.retrieve(batch.id);
    expect(cancelled.status).toBe('cancelled');
    const errors = await jsonLines(openai, cancelled.error_file_id);
    expect(errors.map((line) => line['error']['code'])).toEqual(['batch_cancelled', 'batch_cancelled']);

    const anthropic = new Anthropic({
      apiKey: 'sk-ant-test',
      baseURL: simulator.anthropicBaseURL,
      maxRetries: 0,
    });
    const pending = await anthropic.messages.batches.create({
      requests: [{ custom_id: 'a', params: messagesBody(1) }],
    });
    expect(pending.processing_status).toBe('in_progress');
    expect(pending.results_url).toBeNull();
  });
});

describe('simulated Batch APIs with partial errors and expiry', () => {
  let simulator: RunningSimulator;
  beforeAll(async () => {
    simulator = await startSimulator({ seed: 3, batch: { errorRate: 0.25, expiryRate: 0.25 } });
  });
  afterAll(() => simulator.close());

  it('answers some lines, fails and expires others, and draws anew when a line is resubmitted', async () => {
    const openai = new OpenAI({ apiKey: 'sk-test', baseURL: simulator.openaiBaseURL, maxRetries: 0 });
    const indexes = Array.from({ length: 40 }, (_, index) => index);
    const first = await openai.batches.retrieve((await submitOpenai(openai, indexes)).id);
    expect(first.status).toBe('expired');
    const answered = await jsonLines(openai, first.output_file_id);
    const failed = await jsonLines(openai, first.error_file_id);
    expect(answered.length + failed.length).toBe(40);
    const codes = failed.map((line) => line['error']?.['code'] ?? line['response']?.['status_code']);
    expect(codes).toContain('batch_expired');
    expect(codes).toContain(500);
    expect(answered.length).toBeGreaterThan(8);
    expect(failed.length).toBeGreaterThan(8);
    // The failed lines again, in a later batch: about half of them are answered this time.
    const again = failed.map((line) => Number(String(line['custom_id']).slice(4)));
    const second = await openai.batches.retrieve((await submitOpenai(openai, again)).id);
    const answeredAgain = await jsonLines(openai, second.output_file_id);
    expect(answeredAgain.length).toBeGreaterThan(0);
    expect(answeredAgain.length).toBeLessThan(again.length + 1);
    const stats = await batchStats(simulator);
    expect(stats.linesSubmitted).toBe(40 + again.length);
    expect(stats.linesSucceeded).toBe(answered.length + answeredAgain.length);
  });
});

describe('simulated batch ids', () => {
  it('are unique across simulators, as a vendor account never reuses one', async () => {
    const first = await startSimulator({ seed: 5 });
    const second = await startSimulator({ seed: 5 });
    try {
      const ids = await Promise.all(
        [first, second].flatMap((simulator) => {
          const openai = new OpenAI({ apiKey: 'sk-test', baseURL: simulator.openaiBaseURL, maxRetries: 0 });
          const anthropic = new Anthropic({
            apiKey: 'sk-ant-test',
            baseURL: simulator.anthropicBaseURL,
            maxRetries: 0,
          });
          return [
            submitOpenai(openai, [1]).then((batch) => batch.id),
            anthropic.messages.batches
              .create({ requests: [{ custom_id: 'req-1', params: messagesBody(1) }] })
              .then((batch) => batch.id),
          ];
        }),
      );
      expect(new Set(ids).size).toBe(4);
    } finally {
      await first.close();
      await second.close();
    }
  });
});
