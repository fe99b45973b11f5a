import { createHash, type Hash } from 'node:crypto';
import type { ProviderFlavour } from './provider-errors';
import { countTextTokens, MESSAGE_OVERHEAD_TOKENS } from './token-count';

/**
 * The providers' prompt caches, as they report them. A request whose prefix (up to a message
 * boundary on OpenAI, up to a `cache_control` block on Anthropic) was sent recently, and is at
 * least the vendor's minimum long, is reported as read from the cache:
 *
 * - OpenAI caches automatically: prefixes of 1024 tokens and more, in 128-token steps, reported
 *   as `usage.prompt_tokens_details.cached_tokens` (part of `prompt_tokens`).
 * - Anthropic caches only up to blocks marked `cache_control`, from 1024 tokens (2048 for Haiku
 *   models): a prefix seen before is `cache_read_input_tokens`, a new one is written and billed
 *   as `cache_creation_input_tokens`; `input_tokens` is what is left after both.
 *
 * Entries live `ttlMs` after their last use (5 minutes, as both vendors' default cache).
 */
export interface PromptCacheOptions {
  /** @defaultValue 300000 */
  ttlMs?: number;
  /** Most prefixes remembered; the least recently used go first. @defaultValue 200000 */
  maxEntries?: number;
  /** @defaultValue Date.now */
  now?: () => number;
}

export const OPENAI_MIN_CACHED_TOKENS = 1024;
const OPENAI_CACHE_STEP_TOKENS = 128;

/** Anthropic's minimum cacheable prefix: 2048 tokens for Haiku models, 1024 for the others. */
export function anthropicMinimumCacheable(model: string): number {
  return /haiku/i.test(model) ? 2048 : 1024;
}

interface Boundary {
  hash: string;
  tokens: number;
}

export class PromptCache {
  private readonly seen = new Map<string, number>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  /** Tokens reported as read from and written to the cache since the start (or the last clear). */
  readonly totals = { readTokens: 0, writtenTokens: 0 };

  constructor(options: PromptCacheOptions = {}) {
    this.ttlMs = options.ttlMs ?? 300_000;
    this.maxEntries = options.maxEntries ?? 200_000;
    this.now = options.now ?? Date.now;
  }

  clear(): void {
    this.seen.clear();
    this.totals.readTokens = 0;
    this.totals.writtenTokens = 0;
  }

  /**
   * The response body with its usage reporting the prompt cache for this request. Bodies that
   * already report cached tokens (the `promptCache` fault) and answers without usage are returned
   * as they are.
   */
  report(flavour: ProviderFlavour, request: unknown, answer: unknown): unknown {
    if (!isRecord(request) || !isRecord(answer) || !isRecord(answer['usage'])) return answer;
    return flavour === 'anthropic'
      ? this.reportAnthropic(request, answer, answer['usage'])
      : this.reportOpenai(request, answer, answer['usage']);
  }

  private reportOpenai(
    request: Record<string, unknown>,
    answer: Record<string, unknown>,
    usage: Record<string, unknown>,
  ): unknown {
    const details = isRecord(usage['prompt_tokens_details']) ? usage['prompt_tokens_details'] : {};
    const promptTokens = typeof usage['prompt_tokens'] === 'number' ? usage['prompt_tokens'] : 0;
    if (Number(details['cached_tokens'] ?? 0) > 0 || !Array.isArray(request['messages'])) return answer;
    const segments = [
      JSON.stringify([request['tools'] ?? null, request['response_format'] ?? null]),
      ...request['messages'].map((message) => messageText(message)),
    ];
    const boundaries = prefixBoundaries(String(request['model'] ?? ''), segments).filter(
      (boundary) => boundary.tokens >= OPENAI_MIN_CACHED_TOKENS,
    );
    const hit = this.longestSeen(boundaries);
    this.remember(boundaries);
    if (!hit) return answer;
    const steps = Math.floor(
      (Math.min(hit.tokens, promptTokens) - OPENAI_MIN_CACHED_TOKENS) / OPENAI_CACHE_STEP_TOKENS,
    );
    const cached = OPENAI_MIN_CACHED_TOKENS + Math.max(0, steps) * OPENAI_CACHE_STEP_TOKENS;
    if (cached > promptTokens) return answer;
    this.totals.readTokens += cached;
    return { ...answer, usage: { ...usage, prompt_tokens_details: { ...details, cached_tokens: cached } } };
  }

  private reportAnthropic(
    request: Record<string, unknown>,
    answer: Record<string, unknown>,
    usage: Record<string, unknown>,
  ): unknown {
    const read = Number(usage['cache_read_input_tokens'] ?? 0);
    const written = Number(usage['cache_creation_input_tokens'] ?? 0);
    if (read > 0 || written > 0 || !Array.isArray(request['messages'])) return answer;
    const total = Number(usage['input_tokens'] ?? 0);
    // Prefix order as Anthropic builds it: tools (and the output format), system, messages.
    const segments: string[] = [JSON.stringify([request['tools'] ?? null, request['output_config'] ?? null])];
    const marked: number[] = [];
    const add = (text: string, breakpoint: boolean) => {
      segments.push(text);
      if (breakpoint) marked.push(segments.length - 1);
    };
    const system = request['system'];
    if (typeof system === 'string') add(system, false);
    else if (Array.isArray(system)) for (const block of system) add(blockText(block), hasCacheControl(block));
    for (const message of request['messages']) {
      const content = isRecord(message) ? message['content'] : undefined;
      if (typeof content === 'string') add(content, false);
      else if (Array.isArray(content))
        for (const block of content) add(blockText(block), hasCacheControl(block));
    }
    if (marked.length === 0) return answer;
    const minimum = anthropicMinimumCacheable(String(request['model'] ?? ''));
    const all = prefixBoundaries(String(request['model'] ?? ''), segments);
    const boundaries = marked.map((index) => all[index]!).filter((boundary) => boundary.tokens >= minimum);
    if (boundaries.length === 0) return answer;
    const hit = this.longestSeen(boundaries);
    const last = boundaries[boundaries.length - 1]!;
    this.remember(boundaries);
    const cacheRead = Math.min(hit?.tokens ?? 0, total);
    const cacheWrite = Math.min(last.tokens - (hit?.tokens ?? 0), total - cacheRead);
    this.totals.readTokens += cacheRead;
    this.totals.writtenTokens += cacheWrite;
    return {
      ...answer,
      usage: {
        ...usage,
        input_tokens: total - cacheRead - cacheWrite,
        cache_read_input_tokens: cacheRead,
        cache_creation_input_tokens: cacheWrite,
      },
    };
  }

  private longestSeen(boundaries: readonly Boundary[]): Boundary | undefined {
    const now = this.now();
    for (let index = boundaries.length - 1; index >= 0; index--) {
      const seenAt = this.seen.get(boundaries[index]!.hash);
      if (seenAt !== undefined && now - seenAt <= this.ttlMs) return boundaries[index];
    }
    return undefined;
  }

  private remember(boundaries: readonly Boundary[]): void {
    const now = this.now();
    for (const boundary of boundaries) {
      // Re-inserted so that the Map's order is least recently used first.
      this.seen.delete(boundary.hash);
      this.seen.set(boundary.hash, now);
    }
    while (this.seen.size > this.maxEntries) this.seen.delete(this.seen.keys().next().value!);
  }
}

/** A running hash and token count at the end of every segment; the model is part of every hash. */
function prefixBoundaries(model: string, segments: readonly string[]): Boundary[] {
  const hash: Hash = createHash('sha256').update(model);
  let tokens = 0;
  return segments.map((segment) => {
    hash.update(`\u0000${segment}`);
    tokens += countTextTokens(segment) + MESSAGE_OVERHEAD_TOKENS;
    return { hash: hash.copy().digest('hex'), tokens };
  });
}

function messageText(message: unknown): string {
  if (!isRecord(message)) return '';
  const content = message['content'];
  const text =
    typeof content === 'string' ? content : Array.isArray(content) ? content.map(blockText).join('') : '';
  return `${String(message['role'] ?? '')}\u0000${text}`;
}

function blockText(block: unknown): string {
  if (!isRecord(block)) return '';
  return typeof block['text'] === 'string' ? block['text'] : JSON.stringify(block);
}

function hasCacheControl(block: unknown): boolean {
  return isRecord(block) && isRecord(block['cache_control']);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
