import { createHash } from 'node:crypto';
import { type Decoding, tokenUsageSchema } from '@parley/core';
import { z } from 'zod';
import type { ChatMessage, TextResult } from '../language-model';
import type { CacheStore } from './cache-store';

/**
 * Everything that changes a model's answer. The API key, the run id and request headers are
 * deliberately not part of it; `baseURL` is replaced by the binding's endpoint identity
 * (cacheEndpoint) when the cache is bound to one.
 */
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

/** Bumped whenever the key's parts or the entry's shape change: older entries become misses. */
const CACHE_FORMAT_VERSION = 2;

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

/** One stored entry: the answer and the hash it answers, so a misplaced file is never served. */
const cacheEntrySchema = z.strictObject({
  version: z.literal(CACHE_FORMAT_VERSION),
  key: z.string().regex(/^[0-9a-f]{64}$/),
  answer: cachedAnswerSchema,
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

/** The request's content hash (sha256 hex): the cache's key and the entry's file name. */
export function cacheKeyHash(parts: CacheKeyParts, endpoint?: string): string {
  const { baseURL, ...content } = parts;
  return createHash('sha256')
    .update(canonicalJson({ version: CACHE_FORMAT_VERSION, ...content, endpoint: endpoint ?? baseURL }))
    .digest('hex');
}

/**
 * Answers by request content, in a store kept apart from the run's queues (cache-store.ts),
 * shared by every process and run that use the same store. Only complete, valid answers are
 * stored (never errors, never rejected structured output); an entry that does not parse or
 * validate is a miss, and the next answer overwrites it.
 */
export class ResponseCache {
  constructor(
    private readonly store: CacheStore,
    /** The endpoint identity hashed instead of a request's base URL (cacheEndpoint). */
    private readonly endpoint?: string,
  ) {}

  /** The same store, keyed on one binding's endpoint identity instead of its base URL. */
  forEndpoint(endpoint: string): ResponseCache {
    return new ResponseCache(this.store, endpoint);
  }

  key(parts: CacheKeyParts): string {
    return cacheKeyHash(parts, this.endpoint);
  }

  async get(key: string): Promise<CachedAnswer | undefined> {
    let stored: string | undefined;
    try {
      stored = await this.store.read(key);
    } catch {
      return undefined; // an unreadable store costs a provider call, never the run
    }
    if (stored === undefined) return undefined;
    let entry: z.infer<typeof cacheEntrySchema>;
    try {
      entry = cacheEntrySchema.parse(JSON.parse(stored));
    } catch {
      return undefined; // corrupt, or written by an incompatible version
    }
    if (entry.key !== key) return undefined;
    const { answer } = entry;
    return {
      ...answer,
      finishReason: { unified: answer.finishReason.unified, raw: answer.finishReason.raw },
    };
  }

  async set(key: string, answer: CachedAnswer): Promise<void> {
    // Only the answer's own fields: never headers, request options or anything else on the object.
    const { text, usage, finishReason, modelId, warnings } = answer;
    const entry = {
      version: CACHE_FORMAT_VERSION,
      key,
      answer: { text, usage, finishReason, modelId, warnings },
    };
    try {
      await this.store.write(key, JSON.stringify(entry));
    } catch {
      // A full disk or a lost cache Redis must not fail a call that was answered and paid for.
    }
  }
}
