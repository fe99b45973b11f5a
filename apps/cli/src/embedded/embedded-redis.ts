import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_REDIS_URL, ParleyError, redactRedisUrl } from '@parley/core';
import { Redis } from 'ioredis';

export interface EmbeddedRedis {
  url: string;
  /** Process id of a spawned server (for memory measurements); absent for one found running. */
  pid?: number;
  /** How it was found: the REDIS_URL, the default local server, or one spawned for this run. */
  source: 'REDIS_URL' | 'local' | 'spawned';
  close(): Promise<void>;
}

/**
 * Embedded mode's Redis: REDIS_URL if set (it must answer), else a server on 127.0.0.1:6379,
 * else a `redis-server` from PATH on a free port in a temp folder, stopped on close.
 */
export async function findOrSpawnRedis(environment: NodeJS.ProcessEnv = process.env): Promise<EmbeddedRedis> {
  if (environment.REDIS_URL) {
    if (!(await answers(environment.REDIS_URL))) {
      throw new ParleyError(`REDIS_URL (${redactRedisUrl(environment.REDIS_URL)}) does not answer PING`, {
        code: 'REDIS_UNREACHABLE',
      });
    }
    return { url: environment.REDIS_URL, source: 'REDIS_URL', close: async () => {} };
  }
  if (await answers(DEFAULT_REDIS_URL))
    return { url: DEFAULT_REDIS_URL, source: 'local', close: async () => {} };
  return spawnRedisServer();
}

/**
 * Starts `redis-server` from PATH on a free loopback port, without persistence and with
 * `noeviction` (the policy BullMQ requires), in a temp folder removed on close.
 */
export async function spawnRedisServer(): Promise<EmbeddedRedis> {
  const port = await freePort();
  const folder = await mkdtemp(path.join(os.tmpdir(), 'parley-redis-'));
  const child: ChildProcess = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      folder,
      '--save',
      '',
      '--appendonly',
      'no',
      '--maxmemory-policy',
      'noeviction',
    ],
    { stdio: 'ignore' },
  );
  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (error) =>
      reject(
        new ParleyError(
          `no Redis at ${DEFAULT_REDIS_URL} and redis-server could not be started (${error.message}); install Redis or set REDIS_URL`,
          { code: 'REDIS_UNAVAILABLE' },
        ),
      ),
    ),
  );
  const url = `redis://127.0.0.1:${port}`;
  const ready = (async () => {
    for (let attempt = 0; attempt < 100; attempt++) {
      if (await answers(url)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new ParleyError(`redis-server on port ${port} did not answer within 5 s`, {
      code: 'REDIS_UNAVAILABLE',
    });
  })();
  try {
    await Promise.race([ready, spawnError]);
  } catch (error) {
    child.kill('SIGKILL');
    await rm(folder, { recursive: true, force: true });
    throw error;
  }
  return {
    url,
    pid: child.pid,
    source: 'spawned',
    async close() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3_000))]);
      await rm(folder, { recursive: true, force: true });
    },
  };
}

async function answers(url: string): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 1_000,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
