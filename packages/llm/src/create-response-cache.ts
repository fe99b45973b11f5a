import os from 'node:os';
import path from 'node:path';
import { ConfigError, createRedisConnection, type RunConfig, redisUrlFromEnvironment } from '@parley/core';
import type { Redis } from 'ioredis';
import { FileCacheStore } from './middleware/file-cache-store';
import { RedisCacheStore } from './middleware/redis-cache-store';
import { ResponseCache } from './middleware/response-cache';

/** @defaultValue 2 GiB */
export const DEFAULT_CACHE_MAX_BYTES = 2 * 1024 ** 3;
/** @defaultValue 30 days */
export const DEFAULT_CACHE_MAX_AGE_DAYS = 30;

export interface ResponseCacheSetting {
  /** The job's `cache:` block. */
  cache: RunConfig['cache'];
  /** PARLEY_CACHE (`off` turns the cache off in this process), PARLEY_CACHE_DIR, PARLEY_CACHE_REDIS_URL, REDIS_URL. */
  environment: NodeJS.ProcessEnv;
  /** A relative `cache.dir` starts here. @defaultValue process.cwd() */
  baseDirectory?: string;
}

/**
 * The response cache a job asks for, or undefined when it is off (`cache.enabled: false`, or
 * PARLEY_CACHE=off in the environment). With PARLEY_CACHE_REDIS_URL, entries live in that Redis
 * (it must not be the queue Redis); otherwise in files under `cache.dir`, PARLEY_CACHE_DIR, or
 * the user's cache folder (`$XDG_CACHE_HOME/parley/responses`, else `~/.cache/parley/responses`).
 */
export function createResponseCache(setting: ResponseCacheSetting): ResponseCache | undefined {
  const { cache, environment } = setting;
  if (!cache.enabled || environment.PARLEY_CACHE?.toLowerCase() === 'off') return undefined;
  const maxAgeDays = cache.maxAgeDays ?? DEFAULT_CACHE_MAX_AGE_DAYS;
  const redisUrl = environment.PARLEY_CACHE_REDIS_URL || undefined;
  if (redisUrl) {
    return new ResponseCache(
      new RedisCacheStore(
        cacheRedis(redisUrl, environment),
        '{parley-cache}',
        Math.ceil(maxAgeDays * 86_400),
      ),
    );
  }
  return new ResponseCache(
    new FileCacheStore({
      dir: cacheDirectory(setting),
      maxBytes: cache.maxBytes ?? DEFAULT_CACHE_MAX_BYTES,
      maxAgeMs: maxAgeDays * 86_400_000,
    }),
  );
}

/** Where the file store keeps its entries. */
export function cacheDirectory(setting: ResponseCacheSetting): string {
  const { cache, environment } = setting;
  const base = setting.baseDirectory ?? process.cwd();
  if (cache.dir) return path.resolve(base, cache.dir);
  if (environment.PARLEY_CACHE_DIR) return path.resolve(base, environment.PARLEY_CACHE_DIR);
  const userCache = environment.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(userCache, 'parley', 'responses');
}

// One connection per cache Redis per process, shared by every run's models.
const connections = new Map<string, Redis>();

function cacheRedis(url: string, environment: NodeJS.ProcessEnv): Redis {
  const queues = redisUrlFromEnvironment(environment);
  if (sameServer(url, queues)) {
    throw new ConfigError([
      {
        path: 'PARLEY_CACHE_REDIS_URL',
        message:
          'names the Redis that holds the queues; the cache needs its own instance with an eviction policy (maxmemory-policy allkeys-lru), or leave it unset for the file cache',
      },
    ]);
  }
  let redis = connections.get(url);
  if (!redis) {
    redis = createRedisConnection({ url, extra: { maxRetriesPerRequest: 2 } });
    // The cache must never keep a finished process alive.
    redis.on('connect', () => (redis as Redis & { stream?: { unref?: () => void } }).stream?.unref?.());
    redis.on('error', () => undefined); // a lost cache costs provider calls, not the run
    connections.set(url, redis);
  }
  return redis;
}

/** Closes the cache Redis connections this process opened. */
export async function closeResponseCacheConnections(): Promise<void> {
  const open = [...connections.values()];
  connections.clear();
  await Promise.all(open.map((redis) => redis.quit().catch(() => redis.disconnect())));
}

function sameServer(first: string, second: string): boolean {
  try {
    const a = new URL(first);
    const b = new URL(second);
    const port = (url: URL) => url.port || '6379';
    const host = (url: URL) => (url.hostname === 'localhost' ? '127.0.0.1' : url.hostname);
    return host(a) === host(b) && port(a) === port(b);
  } catch {
    return false;
  }
}
