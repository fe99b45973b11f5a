import { countTokens } from 'gpt-tokenizer';
import type { ChatMessage } from './language-model';

// OpenAI's documented chat overhead: every message costs its role and separators, and every
// prompt primes the assistant's reply. Other vendors differ by a few tokens; this is an estimate.
const MESSAGE_OVERHEAD_TOKENS = 4;
const REPLY_PRIMING_TOKENS = 3;
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

/**
 * Tokens of a text under o200k_base (the GPT-4o family encoding). Used to reserve rate-limit
 * and budget room before a call, and as the count when a server reports no usage.
 */
export function countTextTokens(text: string): number {
  if (text.length === 0) return 0;
  // Special-token strings in user text are ordinary text here; the tokenizer would throw.
  return countTokens(text, PLAIN_TEXT);
}

/** Estimated prompt tokens of a chat, plus optional extra text the provider adds (a JSON schema). */
export function countPromptTokens(messages: readonly ChatMessage[], extraText = ''): number {
  let total = REPLY_PRIMING_TOKENS + countTextTokens(extraText);
  for (const message of messages) total += MESSAGE_OVERHEAD_TOKENS + countTextTokens(message.content);
  return total;
}
