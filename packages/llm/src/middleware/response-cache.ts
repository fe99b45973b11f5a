import { createHash } from 'node:crypto';
import { type Decoding, redisKey, tokenUsageSchema } from '@parley/core';
import { z } from 'zod';
import type { ChatMessage, TextResult } from '../language-model';
import type { RedisClient } from './redis-script';

/** Everything that changes a model's answer. The API key is deliberately not part of it. */
export interface CacheKeyParts {
  kind: 'text' | 'object';
  provider: string;
  baseURL: string;
  model: string;
  messages: readonly ChatMessage[];
  /** Includes `seed`: K candidates of one pair differ by seed and must not share an answer. */
  decoding: Decoding;
  schemaName?: string;
  /** The JSON Schema sent to the provider. */
  schema?: unknown;
}

const cachedAnswerSchema = z.object({
  text: z.string(),
  usage: tokenUsageSchema,
  finishReason: z.object({
    unified: z.enum(['stop', 'length', 'content-filter', 'tool-calls', 'error', 'other']),
    raw: z.string().optional(),
  }),
  modelId: z.string(),
  warnings: z.array(z.string()),
});
export type CachedAnswer = Omit<TextResult, 'cached'>;

/** JSON with object keys sorted at every level, so equal requests hash equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (item && typeof item === 'object' && !Array.isArray(item)) {
      return Object.fromEntries(
        Object.entries(item as Record<string, unknown>)
          .filter(([, entry]) => entry !== undefined)
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      );
    }
    return item;
  });
}

export function cacheKeyHash(parts: CacheKeyParts): string {
  return createHash('sha256')
    .update(canonicalJson({ version: 1, ...parts }))
    .digest('hex');
}

/**
 * Answers by request hash, in Redis, shared by every process and run of the namespace. Only
 * complete, valid answers are stored (never errors, never rejected structured output).
 */
export class ResponseCache {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    /** @defaultValue 7 days */
    private readonly ttlSeconds = 7 * 24 * 3600,
  ) {}

  key(parts: CacheKeyParts): string {
    return redisKey(this.prefix, 'llm', 'cache', cacheKeyHash(parts));
  }

  async get(key: string): Promise<CachedAnswer | undefined> {
    const stored = await this.redis.get(key);
    if (stored === null) return undefined;
    try {
      const answer = cachedAnswerSchema.parse(JSON.parse(stored));
      return {
        ...answer,
        finishReason: { unified: answer.finishReason.unified, raw: answer.finishReason.raw },
      };
    } catch {
      return undefined; // written by an incompatible version: a miss, and the next answer overwrites it
    }
  }

  async set(key: string, answer: CachedAnswer): Promise<void> {
    const { text, usage, finishReason, modelId, warnings } = answer;
    await this.redis.set(
      key,
      JSON.stringify({ text, usage, finishReason, modelId, warnings }),
      'EX',
      this.ttlSeconds,
    );
  }
}
