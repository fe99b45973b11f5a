import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { ConfigError } from '@parley/core';
import { type RunningSimulator, startSimulator } from '@parley/simulator';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeResponseCacheConnections, createResponseCache } from './create-response-cache';
import { createModelRegistry } from './model-registry';
import { testRunConfig } from './test-support/test-config';
import { createTestRedis, type TestRedis } from './test-support/test-redis';

// PARLEY_CACHE_REDIS_URL: the response cache in a Redis of its own (a second redis-server,
// started here with an eviction policy), never the queue Redis.

let cacheServer: ChildProcess;
let cacheUrl: string;
let cacheRedis: Redis;
let testRedis: TestRedis;
let simulator: RunningSimulator;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  const port = await freePort();
  cacheServer = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--maxmemory',
      '16mb',
      '--maxmemory-policy',
      'allkeys-lru',
    ],
    { stdio: 'ignore' },
  );
  cacheUrl = `redis://127.0.0.1:${port}`;
  cacheRedis = new Redis(cacheUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  cacheRedis.on('error', () => undefined); // refused until the server listens
  for (let tries = 0; ; tries++) {
    try {
      await cacheRedis.connect();
      await cacheRedis.ping();
      break;
    } catch (error) {
      if (tries > 50) throw error;
      cacheRedis.disconnect();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  testRedis = createTestRedis();
  simulator = await startSimulator({ seed: 2 });
});

afterAll(async () => {
  await closeResponseCacheConnections();
  await simulator?.close();
  await testRedis?.cleanup();
  cacheRedis?.disconnect();
  cacheServer?.kill('SIGTERM');
});

describe('the response cache in a Redis of its own', () => {
  it('answers a repeated request from the cache Redis, with the age bound as its TTL, and nothing in the queue Redis', async () => {
    const registry = (runId: string) =>
      createModelRegistry({
        config: testRunConfig(
          { sim: { provider: 'simulator', model: 'parley-sim' } },
          { cache: { enabled: true, maxAgeDays: 2 } },
        ),
        redis: testRedis.redis,
        prefix: testRedis.prefix,
        runId,
        simulatorUrl: simulator.url,
        environment: { PARLEY_CACHE_REDIS_URL: cacheUrl },
      });
    const request = { messages: [{ role: 'user' as const, content: 'Say something about kites.' }] };
    const first = await registry('cache-run-1').languageModel('sim').generateText(request);
    const secondRegistry = registry('cache-run-2');
    const second = await secondRegistry.languageModel('sim').generateText(request);
    expect(second.text).toBe(first.text);
    const usage = (await secondRegistry.usage()).byModel['sim']!;
    expect(usage.cachedCalls).toBe(1);
    expect(usage.calls).toBe(0);

    const keys = await cacheRedis.keys('{parley-cache}:response-cache:*');
    expect(keys).toHaveLength(1);
    const ttl = await cacheRedis.ttl(keys[0]!);
    expect(ttl).toBeGreaterThan(2 * 86_400 - 60);
    expect(ttl).toBeLessThanOrEqual(2 * 86_400);
    expect((await testRedis.dump()).filter(({ key }) => key.includes('response-cache'))).toEqual([]);
  });

  it('refuses the queue Redis as the cache Redis, naming the variable', () => {
    const attempt = () =>
      createResponseCache({
        cache: { enabled: true },
        environment: {
          PARLEY_CACHE_REDIS_URL: 'redis://localhost:6379',
          REDIS_URL: 'redis://127.0.0.1:6379',
        },
      });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/PARLEY_CACHE_REDIS_URL: names the Redis that holds the queues/);
  });

  it('closes its connections on shutdown', async () => {
    const clientsBefore = Number(/connected_clients:(\d+)/.exec(await cacheRedis.info('clients'))![1]);
    expect(clientsBefore).toBeGreaterThanOrEqual(2); // this test's and the cache's
    await closeResponseCacheConnections();
    for (let waited = 0; waited < 2_000; waited += 50) {
      const clients = Number(/connected_clients:(\d+)/.exec(await cacheRedis.info('clients'))![1]);
      if (clients === clientsBefore - 1) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(Number(/connected_clients:(\d+)/.exec(await cacheRedis.info('clients'))![1])).toBe(
      clientsBefore - 1,
    );
  });
});
