import { redisKey } from '@parley/core';
import type { CacheStore } from './cache-store';
import type { RedisClient } from './redis-script';

/**
 * The response cache in a Redis of its own (PARLEY_CACHE_REDIS_URL), for workers on several
 * machines that should share one cache. Every entry expires after the age bound; the size bound
 * is that instance's `maxmemory` with an eviction policy (allkeys-lru), which is why it must
 * not be the Redis that holds the queues: evicting a queue's key would lose jobs.
 */
export class RedisCacheStore implements CacheStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly ttlSeconds: number,
  ) {}

  async read(key: string): Promise<string | undefined> {
    return (await this.redis.get(this.keyOf(key))) ?? undefined;
  }

  async write(key: string, text: string): Promise<void> {
    await this.redis.set(this.keyOf(key), text, 'EX', this.ttlSeconds);
  }

  private keyOf(key: string): string {
    return redisKey(this.prefix, 'response-cache', 'v2', key);
  }
}
