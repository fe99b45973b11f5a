import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PromptCache } from './prompt-cache';
import { type RunningSimulator, startSimulator } from './start-simulator';

const LONG = 'A shared few-shot example that many prompts repeat word for word. '.repeat(120); // ~2000 tokens

function openaiChat(prefix: string, tail: string) {
  return {
    model: 'gpt-4.1-mini',
    messages: [
      { role: 'system', content: 'You write conversations.' },
      { role: 'user', content: prefix },
      { role: 'user', content: tail },
    ],
  };
}

function anthropicMessages(model: string, prefix: string, tail: string, marked = true) {
  return {
    model,
    max_tokens: 64,
    system: 'You write conversations.',
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: prefix, ...(marked && { cache_control: { type: 'ephemeral' } }) },
          { type: 'text', text: tail },
        ],
      },
    ],
  };
}

describe('PromptCache', () => {
  it('reports an OpenAI prefix seen before, from 1024 tokens, in 128-token steps', () => {
    const cache = new PromptCache();
    const usage = { prompt_tokens: 3000, completion_tokens: 5, prompt_tokens_details: { cached_tokens: 0 } };
    const first = cache.report('openai', openaiChat(LONG, 'pair 1'), { usage }) as { usage: typeof usage };
    expect(first.usage.prompt_tokens_details.cached_tokens).toBe(0);
    const second = cache.report('openai', openaiChat(LONG, 'pair 2'), { usage }) as { usage: typeof usage };
    const cached = second.usage.prompt_tokens_details.cached_tokens;
    expect(cached).toBeGreaterThanOrEqual(1024);
    expect((cached - 1024) % 128).toBe(0);
    expect(cached).toBeLessThan(3000);
    // A short prefix is never cached, however often it is seen.
    for (let index = 0; index < 3; index++) {
      const short = cache.report('openai', openaiChat('short', `x${index}`), { usage }) as {
        usage: typeof usage;
      };
      expect(short.usage.prompt_tokens_details.cached_tokens).toBe(0);
    }
  });

  it('forgets a prefix after its time to live', () => {
    let now = 0;
    const cache = new PromptCache({ ttlMs: 1000, now: () => now });
    const usage = { prompt_tokens: 3000, completion_tokens: 5 };
    cache.report('openai', openaiChat(LONG, 'a'), { usage });
    now = 2000;
    const later = cache.report('openai', openaiChat(LONG, 'b'), { usage }) as { usage: typeof usage };
    expect(later.usage).toEqual(usage);
  });

  it('writes then reads an Anthropic prefix only up to cache_control, with Haiku’s 2048 minimum', () => {
    const cache = new PromptCache();
    const usage = {
      input_tokens: 3000,
      output_tokens: 5,
      cache_read_input_tokens: 0,
      cache_creation_input_tokens: 0,
    };
    type Usage = typeof usage;
    const report = (body: unknown) => (cache.report('anthropic', body, { usage }) as { usage: Usage }).usage;
    const written = report(anthropicMessages('claude-sonnet-4-6', LONG, 'pair 1'));
    expect(written.cache_creation_input_tokens).toBeGreaterThan(1024);
    expect(written.cache_read_input_tokens).toBe(0);
    const read = report(anthropicMessages('claude-sonnet-4-6', LONG, 'pair 2'));
    expect(read.cache_read_input_tokens).toBe(written.cache_creation_input_tokens);
    expect(read.cache_creation_input_tokens).toBe(0);
    expect(read.input_tokens + read.cache_read_input_tokens).toBe(3000);
    // Without a breakpoint nothing is cached; below Haiku's minimum neither.
    expect(
      report(anthropicMessages('claude-sonnet-4-6', LONG, 'pair 3', false)).cache_read_input_tokens,
    ).toBe(0);
    const haiku = LONG.slice(0, 6000); // ~1500 tokens
    report(anthropicMessages('claude-haiku-4-5', haiku, 'a'));
    expect(report(anthropicMessages('claude-haiku-4-5', haiku, 'b')).cache_read_input_tokens).toBe(0);
  });
});

describe('the simulator reports prompt caching by default', () => {
  let simulator: RunningSimulator;
  beforeAll(async () => {
    simulator = await startSimulator();
  });
  afterAll(() => simulator.close());

  it('answers a repeated long prefix with cached_tokens on /v1/chat/completions', async () => {
    const ask = async (tail: string) => {
      const response = await fetch(`${simulator.openaiBaseURL}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(openaiChat(LONG, tail)),
      });
      return (await response.json()) as {
        usage: { prompt_tokens: number; prompt_tokens_details: { cached_tokens: number } };
      };
    };
    expect((await ask('first')).usage.prompt_tokens_details.cached_tokens).toBe(0);
    const second = await ask('second');
    expect(second.usage.prompt_tokens_details.cached_tokens).toBeGreaterThanOrEqual(1024);
    expect(second.usage.prompt_tokens_details.cached_tokens).toBeLessThan(second.usage.prompt_tokens);
  });
});
