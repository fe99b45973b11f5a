import type { z } from 'zod';
import type { ChatMessage } from './language-model';

export type StructuredParse<T> = { success: true; object: T } | { success: false; reason: string };

const FENCED = /^\s*```(?:json)?\s*\n([\s\S]*?)\n?```\s*$/;

/**
 * Parses a model's text as JSON and validates it with the schema. Servers without constrained
 * decoding (some OpenAI-compatible ones) wrap JSON in a Markdown fence; that one wrapper is
 * accepted, nothing else is repaired.
 */
export function parseStructuredOutput<T>(text: string, schema: z.ZodType<T>): StructuredParse<T> {
  const fenced = FENCED.exec(text);
  const body = fenced?.[1] ?? text;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    const preview = body.length > 80 ? `${body.slice(0, 77)}...` : body;
    return {
      success: false,
      reason: `not valid JSON (${(error as Error).message}): ${JSON.stringify(preview)}`,
    };
  }
  const result = schema.safeParse(value);
  if (result.success) return { success: true, object: result.data };
  const issues = result.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`);
  const more = result.error.issues.length > 5 ? `; and ${result.error.issues.length - 5} more` : '';
  return { success: false, reason: `does not match the schema (${issues.join('; ')}${more})` };
}

/**
 * The follow-up of a rejected structured answer: the model sees what it wrote and why it was
 * rejected. This changes the request, so a deterministic server (or a seeded model) does not
 * simply repeat the same broken answer.
 */
export function repairMessages(
  messages: readonly ChatMessage[],
  rawOutput: string,
  reason: string,
  schemaName: string,
): ChatMessage[] {
  return [
    ...messages,
    { role: 'assistant', content: rawOutput },
    {
      role: 'user',
      content: `That answer cannot be used: it ${reason}. Reply again with only a JSON object that matches the "${schemaName}" schema, and nothing else.`,
    },
  ];
}
