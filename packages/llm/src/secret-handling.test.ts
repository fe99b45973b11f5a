import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createLogger } from '@parley/core';
import { type RunningSimulator, startSimulator } from '@parley/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createModelRegistry } from './model-registry';
import { testRunConfig } from './test-support/test-config';
import { createTestRedis, type TestRedis } from './test-support/test-redis';

// Shaped like real keys, and long enough to be registered as secrets.
const OPENAI_KEY = 'sk-proj-ParleyTestKey0123456789abcdefSECRET';
const ANTHROPIC_KEY = 'sk-ant-api03-ParleyTestKey9876543210SECRET';

let testRedis: TestRedis;
let simulator: RunningSimulator;
let brokenSimulator: RunningSimulator;
let echoServer: Server;
let echoURL: string;

beforeAll(async () => {
  testRedis = createTestRedis();
  simulator = await startSimulator({ seed: 3 });
  brokenSimulator = await startSimulator({ seed: 3, faults: { serverError: 1, malformed: 1 } });
  // A provider that rejects the key and echoes it back, as OpenAI's 401 does ("Incorrect API key provided: sk-...").
  echoServer = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const key = String(request.headers.authorization ?? request.headers['x-api-key'] ?? '').replace(
        /^Bearer /,
        '',
      );
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          error: {
            message: `Incorrect API key provided: ${key}.`,
            type: 'invalid_request_error',
            code: 'invalid_api_key',
          },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => echoServer.listen(0, '127.0.0.1', resolve));
  echoURL = `http://127.0.0.1:${(echoServer.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await Promise.all([simulator.close(), brokenSimulator.close()]);
  await new Promise<void>((resolve) => echoServer.close(() => resolve()));
  await testRedis.cleanup();
});

describe('API keys', () => {
  it('appear nowhere in logs, errors or Redis, for successful and failing calls', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = createLogger({ level: 'debug', destination });
    const environment = { OPENAI_API_KEY: OPENAI_KEY, ANTHROPIC_API_KEY: ANTHROPIC_KEY };
    const config = testRunConfig(
      {
        gpt: { provider: 'openai', model: 'gpt-test', baseURL: simulator.openaiBaseURL },
        claude: { provider: 'anthropic', model: 'claude-sonnet-5-5', baseURL: simulator.anthropicBaseURL },
        broken: {
          provider: 'openai',
          model: 'gpt-test',
          baseURL: brokenSimulator.openaiBaseURL,
          maxRetries: 1,
        },
        rejected: { provider: 'openai', model: 'gpt-test', baseURL: `${echoURL}/v1`, maxRetries: 0 },
        rejectedClaude: {
          provider: 'anthropic',
          model: 'claude-sonnet-5-5',
          baseURL: echoURL,
          maxRetries: 0,
        },
      },
      { cache: { enabled: true } },
    );
    const registry = createModelRegistry({
      config,
      redis: testRedis.redis,
      prefix: testRedis.prefix,
      runId: 'secrets',
      logger,
      environment,
      retry: { initialDelayMs: 5, maxDelayMs: 10 },
    });
    const messages = [{ role: 'user' as const, content: 'Say hello.' }];
    const schema = z.object({ greeting: z.string() });

    await registry.languageModel('gpt').generateText({ messages, stage: 'generate' });
    await registry.languageModel('gpt').generateText({ messages, stage: 'generate' }); // cache hit
    await registry.languageModel('claude').generateObject({ messages, schema, schemaName: 'greeting' });
    const errors: unknown[] = [];
    for (const name of ['broken', 'rejected', 'rejectedClaude']) {
      await registry
        .languageModel(name)
        .generateText({ messages, stage: 'failing' })
        .catch((error: unknown) => errors.push(error));
    }
    expect(errors).toHaveLength(3);
    for (const error of errors) logger.error({ err: error }, 'call failed');
    logger.flush();
    await new Promise((resolve) => setTimeout(resolve, 50));

    const secrets = [OPENAI_KEY, ANTHROPIC_KEY];
    // The echo server did get a key, so the failing calls really carried one.
    const texts = errors.map((error) => {
      const { message, cause } = error as Error;
      return `${message} ${JSON.stringify(error)} ${String(cause ?? '')}`;
    });
    expect(texts.join('\n')).toContain('Incorrect API key provided: [REDACTED]');
    const log = lines.join('');
    expect(log).toContain('llm call failed, retrying');
    expect(log).toContain('call failed');
    const redis = await testRedis.dump();
    expect(redis.length).toBeGreaterThan(0);
    const everything = [log, ...texts, ...redis.map(({ key, value }) => `${key} ${value}`)].join('\n');
    for (const secret of secrets) {
      expect(everything).not.toContain(secret);
      // Nor a recognisable piece of it.
      expect(everything).not.toContain(secret.slice(8, 28));
    }
  });
});
