/**
 * Token counts without a tokenizer. The simulator reports usage like a provider does, with one
 * documented approximation used consistently for input and output: a text costs
 * ceil(characters / 4) tokens (the usual rule of thumb for English with BPE tokenizers), each
 * chat message adds MESSAGE_OVERHEAD_TOKENS for its role and separators, and every prompt adds
 * REPLY_PRIMING_TOKENS for the assistant turn it opens.
 */
export const CHARACTERS_PER_TOKEN = 4;
export const MESSAGE_OVERHEAD_TOKENS = 4;
export const REPLY_PRIMING_TOKENS = 3;

export function countTextTokens(text: string): number {
  return Math.ceil(text.length / CHARACTERS_PER_TOKEN);
}

/** Prompt tokens of a list of messages (already flattened to text), plus optional extra text such as a schema. */
export function countPromptTokens(messageTexts: readonly string[], extraText = ''): number {
  let total = REPLY_PRIMING_TOKENS + countTextTokens(extraText);
  for (const text of messageTexts) total += MESSAGE_OVERHEAD_TOKENS + countTextTokens(text);
  return total;
}

/** The longest prefix of `text` that fits in `maxTokens` tokens under the same approximation. */
export function truncateToTokens(text: string, maxTokens: number): string {
  return text.slice(0, Math.max(0, maxTokens) * CHARACTERS_PER_TOKEN);
}
