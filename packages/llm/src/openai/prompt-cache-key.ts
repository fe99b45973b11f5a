import { createHash } from 'node:crypto';
import type { ChatMessage } from '../language-model';

/**
 * OpenAI's `prompt_cache_key`: requests with one key are routed to the same cache, so a shared
 * prefix is found again. The key names the stable prefix (the messages up to the last one marked
 * `cacheBreakpoint`, with the model), so calls sharing it share a key and others do not.
 * Undefined when no message is marked.
 */
export function promptCacheKey(model: string, messages: readonly ChatMessage[]): string | undefined {
  let end = -1;
  for (let index = messages.length - 1; index >= 0 && end < 0; index--) {
    if (messages[index]!.cacheBreakpoint) end = index;
  }
  if (end < 0) return undefined;
  const hash = createHash('sha256').update(model);
  for (const message of messages.slice(0, end + 1)) {
    hash.update(`\u0000${message.role}\u0000${message.content}`);
  }
  return `parley-${hash.digest('hex').slice(0, 32)}`;
}
