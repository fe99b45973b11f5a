import { afterEach, describe, expect, it } from 'vitest';
import type { SimulatorOptions } from './simulator-options';
import { type RunningSimulator, startSimulator } from './start-simulator';

const STRUCTURED = {
  type: 'json_schema',
  json_schema: {
    name: 'verdict',
    schema: {
      type: 'object',
      properties: { passed: { type: 'boolean' }, rationale: { type: 'string' } },
      required: ['passed', 'rationale'],
      additionalProperties: false,
    },
  },
};

function chatBody(index: number, structured = false): string {
  return JSON.stringify({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: `Request number ${index}` }],
    ...(structured && { response_format: STRUCTURED }),
  });
}

const running: RunningSimulator[] = [];
async function start(options: SimulatorOptions): Promise<RunningSimulator> {
  const simulator = await startSimulator(options);
  running.push(simulator);
  return simulator;
}
afterEach(async () => {
  await Promise.all(running.splice(0).map((simulator) => simulator.close()));
});

interface ChatJson {
  choices: { message: { content: string } }[];
  error: { type: string; code: string | null };
}

async function readJson(response: Response): Promise<ChatJson> {
  return (await response.json()) as ChatJson;
}

async function chat(simulator: RunningSimulator, body: string, signal?: AbortSignal): Promise<Response> {
  return fetch(`${simulator.openaiBaseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    signal,
  });
}

/**
 * Sends `count` distinct requests, 25 at a time, and returns their statuses in request order.
 * Distinct bodies make every decision independent of arrival order, so batching keeps results fixed.
 */
async function statuses(simulator: RunningSimulator, count: number, structured = false): Promise<number[]> {
  const result: number[] = [];
  for (let start = 0; start < count; start += 25) {
    const batch = Array.from({ length: Math.min(25, count - start) }, async (_, offset) => {
      const response = await chat(simulator, chatBody(start + offset, structured));
      await response.arrayBuffer();
      return response.status;
    });
    result.push(...(await Promise.all(batch)));
  }
  return result;
}

describe('fault injection', () => {
  it('answers 429 with retry-after and rate-limit headers at rate 1', async () => {
    const simulator = await start({ faults: { rateLimited: 1, retryAfterSeconds: 7 } });
    const response = await chat(simulator, chatBody(1));
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('7');
    expect(response.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    const body = await readJson(response);
    expect(body.error).toMatchObject({ type: 'requests', code: 'rate_limit_exceeded' });
    const anthropic = await fetch(`${simulator.url}/v1/messages`, {
      method: 'POST',
      body: JSON.stringify({ model: 'c', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(anthropic.status).toBe(429);
    expect(anthropic.headers.get('anthropic-ratelimit-requests-remaining')).toBe('0');
    expect(await anthropic.json()).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
    expect(simulator.stats().faults.rateLimited).toBe(2);
  });

  it('answers 500 or 503 at rate 1, in the provider’s shape', async () => {
    const simulator = await start({ seed: 3, faults: { serverError: 1 } });
    const codes = await statuses(simulator, 20);
    expect(codes.every((code) => code === 500 || code === 503)).toBe(true);
    expect(new Set(codes)).toEqual(new Set([500, 503]));
    const response = await chat(simulator, chatBody(99));
    expect((await readJson(response)).error.type).toBe('server_error');
    expect(simulator.stats().faults.serverError).toBe(21);
  });

  it('breaks the JSON of structured answers at rate 1, and only of structured ones', async () => {
    const simulator = await start({ faults: { malformed: 1 } });
    const response = await chat(simulator, chatBody(1, true));
    expect(response.status).toBe(200);
    const body = await readJson(response);
    expect(() => JSON.parse(body.choices[0]!.message.content)).toThrow();
    const plain = await readJson(await chat(simulator, chatBody(2)));
    expect(plain.choices[0]!.message.content.length).toBeGreaterThan(0);
    expect(simulator.stats().faults.malformed).toBe(1);
  });

  it('injects each fault at a fractional rate with counts fixed by the seed', async () => {
    const options: SimulatorOptions = {
      seed: 42,
      faults: { rateLimited: 0.2, serverError: 0.2, malformed: 0.3 },
    };
    const first = await start(options);
    const firstCodes = await statuses(first, 200, true);
    const firstFaults = first.stats().faults;
    const second = await start(options);
    const secondCodes = await statuses(second, 200, true);
    expect(secondCodes).toEqual(firstCodes);
    expect(second.stats().faults).toEqual(firstFaults);
    // Roughly the configured rates: 429 on 20%, 5xx on 20% of the rest, malformed on 30% of the 200s.
    const rateLimited = firstCodes.filter((code) => code === 429).length;
    const serverErrors = firstCodes.filter((code) => code >= 500).length;
    expect(rateLimited).toBeGreaterThan(20);
    expect(rateLimited).toBeLessThan(60);
    expect(serverErrors).toBeGreaterThan(15);
    expect(serverErrors).toBeLessThan(50);
    expect(firstFaults.malformed).toBeGreaterThan(20);
    expect(firstFaults.malformed).toBeLessThan(70);
    const other = await start({ ...options, seed: 43 });
    expect(await statuses(other, 200, true)).not.toEqual(firstCodes);
  });

  it('lets a retried body succeed: the decision depends on how often it was seen', async () => {
    const simulator = await start({ seed: 5, faults: { serverError: 0.7 } });
    const body = chatBody(1);
    const attempts: number[] = [];
    for (let attempt = 0; attempt < 40; attempt++) {
      const response = await chat(simulator, body);
      await response.arrayBuffer();
      attempts.push(response.status);
      if (response.status === 200) break;
    }
    expect(attempts.at(-1)).toBe(200);
    expect(attempts.slice(0, -1).every((code) => code >= 500)).toBe(true);
    // A fresh simulator with the same seed replays the same sequence.
    const replay = await start({ seed: 5, faults: { serverError: 0.7 } });
    const replayed: number[] = [];
    for (const _ of attempts) {
      const response = await chat(replay, body);
      await response.arrayBuffer();
      replayed.push(response.status);
    }
    expect(replayed).toEqual(attempts);
  });

  it('adds latency with jitter', async () => {
    const simulator = await start({ latencyMs: 120, latencyJitterMs: 40 });
    const started = performance.now();
    const response = await chat(simulator, chatBody(1));
    await response.arrayBuffer();
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(115);
    expect(elapsed).toBeLessThan(1000);
    const delay = Number(response.headers.get('openai-processing-ms'));
    expect(delay).toBeGreaterThanOrEqual(120);
    expect(delay).toBeLessThan(160);
    expect(simulator.stats().faults).toMatchObject({ delayed: 1, delayMs: delay });
  });

  it('hangs until the client gives up, and close() still ends promptly', async () => {
    const simulator = await start({ faults: { hang: 1 } });
    const abandoned = chat(simulator, chatBody(1), AbortSignal.timeout(150));
    await expect(abandoned).rejects.toThrow();
    await expect.poll(() => simulator.stats().hangsOpen).toBe(0);

    const pending = chat(simulator, chatBody(2)).catch((error: unknown) => error);
    await expect.poll(() => simulator.stats().hangsOpen).toBe(1);
    expect(simulator.stats().faults.hang).toBe(2);
    const started = performance.now();
    await simulator.close();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await pending).toBeInstanceOf(Error);
  });

  it('enforces requests per minute over a sliding window like a provider', async () => {
    const simulator = await start({ requestsPerMinute: 5 });
    const codes = await statuses(simulator, 8);
    // Sent concurrently: which ones pass depends on arrival, how many does not.
    expect(codes.filter((code) => code === 200)).toHaveLength(5);
    expect(codes.filter((code) => code === 429)).toHaveLength(3);
    const response = await chat(simulator, chatBody(100));
    expect(response.status).toBe(429);
    const retryAfter = Number(response.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(59);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(response.headers.get('x-ratelimit-limit-requests')).toBe('5');
    expect(simulator.stats().faults.requestsPerMinute).toBe(4);
  });
});
