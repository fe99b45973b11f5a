import { Redis } from 'ioredis';

/** Deletes every key of a test namespace (`{namespace}:*`), so tests leave Redis as they found it. */
export async function deleteNamespace(
  namespace: string,
  url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
): Promise<number> {
  const redis = new Redis(url);
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `{${namespace}}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}

/** Every key of a namespace with its value, for secret scans. */
export async function namespaceKeys(
  namespace: string,
  url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
): Promise<string[]> {
  const redis = new Redis(url);
  const keys: string[] = [];
  try {
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', `{${namespace}}*`, 'COUNT', 1000);
      cursor = next;
      keys.push(...found);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return keys;
}
