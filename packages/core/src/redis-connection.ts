import { Redis, type RedisOptions } from 'ioredis';

/** @defaultValue redis://127.0.0.1:6379 */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * The hash-tagged prefix every Parley queue and key of one deployment shares, so that on a
 * Redis Cluster they land in one slot (BullMQ's Lua scripts touch several keys at once).
 * Tests pass their own namespace to stay apart from each other and from real runs.
 */
export function keyPrefix(namespace = process.env.PARLEY_NAMESPACE ?? 'parley'): string {
  if (!/^[A-Za-z0-9_-]+$/.test(namespace)) {
    throw new Error(`PARLEY_NAMESPACE: expected letters, digits, - and _, got ${JSON.stringify(namespace)}`);
  }
  return `{${namespace}}`;
}

/** A Parley key: `{parley}:run:abc:state`. Parts must not contain `:` so keys parse back. */
export function redisKey(prefix: string, ...parts: Array<string | number>): string {
  return [prefix, ...parts].join(':');
}

export function redisUrlFromEnvironment(environment: NodeJS.ProcessEnv = process.env): string {
  return environment.REDIS_URL ?? DEFAULT_REDIS_URL;
}

export interface RedisConnectionOptions {
  /** @defaultValue REDIS_URL or redis://127.0.0.1:6379 */
  url?: string;
  /**
   * `blocking` connections (BullMQ workers, queue events) must never give up on a command:
   * ioredis' per-request retry limit would make BullMQ throw and leak a socket.
   * @defaultValue 'command'
   */
  role?: 'command' | 'blocking';
  /** Passed through to ioredis. */
  extra?: RedisOptions;
}

/** The one place Parley opens Redis connections. */
export function createRedisConnection(options: RedisConnectionOptions = {}): Redis {
  const url = options.url ?? redisUrlFromEnvironment();
  return new Redis(url, {
    maxRetriesPerRequest: options.role === 'blocking' ? null : 20,
    enableReadyCheck: true,
    // Reconnect forever with a capped backoff: a restarted Redis must not end a run.
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    ...options.extra,
  });
}

/** Redis URL with any password replaced, safe to log or show. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'redis://(unparseable url)';
  }
}
