import { randomUUID } from 'node:crypto';
import { createRedisConnection, keyPrefix } from '@parley/core';
import type { Redis } from 'ioredis';

/** A Redis connection and a fresh hash-tagged prefix for one test file; `cleanup` deletes its keys. */
export interface TestRedis {
  redis: Redis;
  prefix: string;
  /** Every key under the prefix with its whole value, as text (strings, hashes, sorted sets). */
  dump(): Promise<Array<{ key: string; value: string }>>;
  cleanup(): Promise<void>;
}

export function createTestRedis(): TestRedis {
  const redis = createRedisConnection();
  const prefix = keyPrefix(`test-${randomUUID()}`);
  const keys = async () => {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `${escapeGlob(prefix)}*`, 'COUNT', 500);
      cursor = next;
      found.push(...batch);
    } while (cursor !== '0');
    return found;
  };
  return {
    redis,
    prefix,
    async dump() {
      const result: Array<{ key: string; value: string }> = [];
      for (const key of await keys()) {
        const type = await redis.type(key);
        let value: unknown;
        if (type === 'string') value = await redis.get(key);
        else if (type === 'hash') value = await redis.hgetall(key);
        else if (type === 'zset') value = await redis.zrangebyscore(key, '-inf', '+inf', 'WITHSCORES');
        else if (type === 'list') value = await redis.lrange(key, 0, -1);
        else if (type === 'set') value = await redis.smembers(key);
        result.push({ key, value: JSON.stringify(value) });
      }
      return result;
    },
    async cleanup() {
      const found = await keys();
      if (found.length > 0) await redis.del(...found);
      await redis.quit();
    },
  };
}

/** A key prefix as a SCAN/KEYS glob that matches only itself. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\{}]/g, (character) => `\\${character}`);
}
