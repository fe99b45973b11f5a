import { afterEach, describe, expect, it } from 'vitest';
import type { SimulatorOptions } from './simulator-options';
import { type RunningSimulator, startSimulator } from './start-simulator';

const SCHEMA = {
  type: 'object',
  properties: { passed: { type: 'boolean' }, rationale: { type: 'string' } },
  required: ['passed', 'rationale'],
  additionalProperties: false,
};

const running: RunningSimulator[] = [];
async function start(faults: SimulatorOptions['faults']): Promise<RunningSimulator> {
  const simulator = await startSimulator({ seed: 9, faults });
  running.push(simulator);
  return simulator;
}
afterEach(async () => {
  await Promise.all(running.splice(0).map((simulator) => simulator.close()));
});

function openai(simulator: RunningSimulator, extra: Record<string, unknown> = {}, signal?: AbortSignal) {
  return fetch(`${simulator.openaiBaseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Judge this.' }],
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'verdict', strict: true, schema: SCHEMA },
      },
      ...extra,
    }),
    signal,
  });
}

function anthropic(simulator: RunningSimulator, extra: Record<string, unknown> = {}) {
  return fetch(`${simulator.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'claude-haiku-5-0',
      max_tokens: 1024,
      messages: [{ role: 'user', content: 'Judge this.' }],
      output_config: { format: { type: 'json_schema', schema: SCHEMA } },
      ...extra,
    }),
  });
}

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field below
type Json = any;

async function json(response: Response): Promise<Json> {
  return response.json();
}

describe('transport faults', () => {
  it('stallAfterHeaders: 200 and headers, half a body, then nothing', async () => {
    const simulator = await start({ stallAfterHeaders: 1 });
    const response = await openai(simulator, {}, AbortSignal.timeout(300));
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
    expect(simulator.stats().faults.stallAfterHeaders).toBe(1);
  });

  it('resetMidBody: the body read fails as a terminated connection', async () => {
    const simulator = await start({ resetMidBody: 1 });
    const response = await openai(simulator);
    expect(response.status).toBe(200);
    const error = await response.text().then(
      () => undefined,
      (caught: unknown) => caught as Error,
    );
    expect(error).toBeInstanceOf(TypeError);
    expect(error?.message).toBe('terminated');
  });

  it('faultyAttemptsPerBody: the retry of a faulted body is answered cleanly', async () => {
    const simulator = await start({ serverError: 1, faultyAttemptsPerBody: 1 });
    expect((await openai(simulator)).status).toBeGreaterThanOrEqual(500);
    expect((await openai(simulator)).status).toBe(200);
    expect((await openai(simulator, { seed: 2 })).status).toBeGreaterThanOrEqual(500);
  });

  it('htmlErrorPage: a 502 with an HTML body', async () => {
    const simulator = await start({ htmlErrorPage: 1 });
    const response = await openai(simulator);
    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toBe('text/html');
    expect(await response.text()).toMatch(/^<!DOCTYPE html>[\s\S]*502 Bad Gateway/);
  });
});

describe('account and request faults, in each vendor’s shape', () => {
  it('unauthorized', async () => {
    const simulator = await start({ unauthorized: 1 });
    const a = await openai(simulator);
    expect(a.status).toBe(401);
    expect((await json(a)).error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_api_key' });
    const b = await anthropic(simulator);
    expect(b.status).toBe(401);
    expect(await b.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
  });

  it('modelNotFound', async () => {
    const simulator = await start({ modelNotFound: 1 });
    const a = await openai(simulator);
    expect(a.status).toBe(404);
    expect((await json(a)).error).toMatchObject({
      code: 'model_not_found',
      message: 'The model `gpt-4o-mini` does not exist or you do not have access to it.',
    });
    const b = await anthropic(simulator);
    expect(await b.json()).toMatchObject({
      error: { type: 'not_found_error', message: 'model: claude-haiku-5-0' },
    });
  });

  it('insufficientQuota: OpenAI 429 insufficient_quota, Anthropic 400 credit balance', async () => {
    const simulator = await start({ insufficientQuota: 1 });
    const a = await openai(simulator);
    expect(a.status).toBe(429);
    expect(a.headers.get('retry-after')).toBeNull();
    expect((await json(a)).error).toMatchObject({ type: 'insufficient_quota', code: 'insufficient_quota' });
    const b = await anthropic(simulator);
    expect(b.status).toBe(400);
    expect(await b.json()).toMatchObject({
      error: {
        type: 'invalid_request_error',
        message: expect.stringMatching(/^Your credit balance is too low/),
      },
    });
  });

  it('unsupportedParameter: only requests that send a sampling parameter', async () => {
    const simulator = await start({ unsupportedParameter: 1 });
    expect((await openai(simulator)).status).toBe(200);
    const refused = await openai(simulator, { temperature: 0.7 });
    expect(refused.status).toBe(400);
    expect((await json(refused)).error).toMatchObject({
      param: 'temperature',
      code: 'unsupported_parameter',
    });
  });
});

describe('content faults', () => {
  it('refusal: OpenAI content null with message.refusal; Anthropic stop_reason refusal and no content', async () => {
    const simulator = await start({ refusal: 1 });
    const a: Json = await (await openai(simulator)).json();
    expect(a.choices[0].message).toMatchObject({
      content: null,
      refusal: expect.stringMatching(/^I'm sorry/),
    });
    const b: Json = await (await anthropic(simulator)).json();
    expect(b).toMatchObject({ content: [], stop_reason: 'refusal', stop_details: { type: 'refusal' } });
    expect(b.usage.output_tokens).toBe(0);
  });

  it('refusalWithContent and contentFilter carry a complete, schema-valid answer', async () => {
    const simulator = await start({ refusalWithContent: 1 });
    const a: Json = await (await openai(simulator)).json();
    expect(a.choices[0].message.refusal).toMatch(/^I'm sorry/);
    expect(JSON.parse(a.choices[0].message.content)).toHaveProperty('passed');
    const filtered = await start({ contentFilter: 1 });
    const c: Json = await (await openai(filtered)).json();
    expect(c.choices[0].finish_reason).toBe('content_filter');
    expect(JSON.parse(c.choices[0].message.content)).toHaveProperty('rationale');
    const d: Json = await (await anthropic(filtered)).json();
    expect(d.stop_reason).toBe('refusal');
    expect(JSON.parse(d.content[0].text)).toHaveProperty('passed');
  });

  it('truncated: runs to the output limit with cut JSON', async () => {
    const simulator = await start({ truncated: 1 });
    const a: Json = await (await openai(simulator, { max_completion_tokens: 200 })).json();
    expect(a.choices[0].finish_reason).toBe('length');
    expect(a.usage.completion_tokens).toBe(200);
    expect(() => JSON.parse(a.choices[0].message.content)).toThrow(/Unterminated string/);
    const b: Json = await (await anthropic(simulator)).json();
    expect(b.stop_reason).toBe('max_tokens');
    expect(b.usage.output_tokens).toBe(1024);
    const unbounded: Json = await (await openai(simulator)).json();
    expect(unbounded.usage.completion_tokens).toBe(4096);
  });

  it('promptCache: cached_tokens within prompt_tokens; Anthropic reads and writes beside input_tokens', async () => {
    const simulator = await start({ promptCache: 1 });
    const a: Json = await (await openai(simulator)).json();
    expect(a.usage.prompt_tokens_details.cached_tokens).toBe(Math.floor(a.usage.prompt_tokens / 2));
    const b: Json = await (await anthropic(simulator)).json();
    const { input_tokens, cache_read_input_tokens, cache_creation_input_tokens } = b.usage;
    expect(cache_read_input_tokens).toBeGreaterThan(0);
    expect(cache_creation_input_tokens).toBeGreaterThan(0);
    expect(input_tokens).toBeGreaterThan(0);
    expect(simulator.stats().faults.promptCache).toBe(2);
  });

  it('deprecated: a deprecation and a sunset header', async () => {
    const simulator = await start({ deprecated: 1 });
    const response = await anthropic(simulator);
    expect(response.headers.get('deprecation')).toMatch(/^@\d+$/);
    expect(response.headers.get('sunset')).toMatch(/GMT$/);
  });
});
