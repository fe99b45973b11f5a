import { createHash } from 'node:crypto';
import { type ChatMessage, countPromptTokens, countTextTokens } from '@parley/llm';
import { z } from 'zod';
import { sampleAnswer } from './sample-answer';

/** One rendered call: what it sends and what a typical answer costs. */
export interface MeasuredCall {
  inputTokens: number;
  outputTokens: number;
  /** Tokens up to the last message marked `cacheBreakpoint` (0 when none is). */
  prefixTokens: number;
  /** A hash of that prefix: calls with the same key can read it from the provider's cache. */
  prefixKey?: string;
}

const schemaTexts = new WeakMap<z.ZodType, string>();

/**
 * The schema as the LLM layer sends it (z.toJSONSchema, as text), which providers count as
 * input. Cached per schema object: a Generator schema is shared by every call of a run.
 */
export function schemaText(schema: z.ZodType): string {
  let text = schemaTexts.get(schema);
  if (text === undefined) {
    try {
      text = JSON.stringify(z.toJSONSchema(schema, { unrepresentable: 'any' }));
    } catch {
      text = '';
    }
    schemaTexts.set(schema, text);
  }
  return text;
}

/**
 * Measures one call with the project's token counter: the messages plus the JSON schema for
 * the input, and for the output either the given answer or a typical one for the schema.
 */
export function measureCall(
  messages: readonly ChatMessage[],
  schema: z.ZodType,
  answer: { text: string } | { reasoningWords: number; arrayItems?: number },
): MeasuredCall {
  const inputTokens = countPromptTokens(messages, schemaText(schema));
  const text =
    'text' in answer
      ? answer.text
      : JSON.stringify(sampleAnswer(z.toJSONSchema(schema, { unrepresentable: 'any' }), answer));
  const last = messages.findLastIndex((message) => message.cacheBreakpoint === true);
  const prefix = last < 0 ? [] : messages.slice(0, last + 1);
  return {
    inputTokens,
    outputTokens: countTextTokens(text),
    prefixTokens: prefix.length === 0 ? 0 : countPromptTokens(prefix) - countPromptTokens([]),
    ...(prefix.length === 0
      ? {}
      : {
          prefixKey: createHash('sha256')
            .update(JSON.stringify(prefix.map(({ role, content }) => [role, content])))
            .digest('hex'),
        }),
  };
}
