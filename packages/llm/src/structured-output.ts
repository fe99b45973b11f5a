import type { z } from 'zod';
import type { ChatMessage, FinishReason } from './language-model';

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

/** Why a structured call produced no usable object; the first word of every failure reason. */
export type StructuredOutcome = 'unparseable' | 'truncated' | 'refused' | 'content-filtered';

export type StructuredJudgement<T> =
  | { success: true; object: T }
  | { success: false; outcome: StructuredOutcome; reason: string };

/**
 * Decides what one structured answer is worth. A refusal or a content filter is never
 * accepted, even with complete, schema-valid JSON beside it (that JSON is not an answer the
 * provider stands behind); a cut answer is `truncated` rather than merely unparseable, so the
 * caller can ask again with more room instead of the same limit.
 */
export function judgeStructuredAnswer<T>(
  answer: { text: string; finishReason: FinishReason; refusal?: string },
  schema: z.ZodType<T>,
  outputTokenLimit?: number,
): StructuredJudgement<T> {
  if (answer.refusal !== undefined) {
    const text = answer.refusal.trim() || answer.text.trim();
    return {
      success: false,
      outcome: 'refused',
      reason: text ? JSON.stringify(preview(text, 300)) : 'no refusal text given',
    };
  }
  if (answer.finishReason.unified === 'content-filter') {
    return {
      success: false,
      outcome: 'content-filtered',
      reason: `finish reason ${answer.finishReason.raw ?? 'content-filter'}`,
    };
  }
  const parsed = parseStructuredOutput(answer.text, schema);
  if (parsed.success) return parsed;
  if (answer.finishReason.unified === 'length') {
    const limit =
      outputTokenLimit === undefined ? "the model's output limit" : `${outputTokenLimit} output tokens`;
    return {
      success: false,
      outcome: 'truncated',
      reason: `cut at ${limit} (finish reason ${answer.finishReason.raw ?? 'length'})`,
    };
  }
  return { success: false, outcome: 'unparseable', reason: parsed.reason };
}

function preview(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 3)}...` : text;
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
  const retry = `Reply again with only a JSON object that matches the "${schemaName}" schema, and nothing else.`;
  // Providers reject an empty assistant turn (Anthropic answers 400), so an empty answer is
  // described in the follow-up instead of being echoed.
  if (rawOutput.trim() === '') {
    return [...messages, { role: 'user', content: `Your previous answer was empty. ${retry}` }];
  }
  return [
    ...messages,
    { role: 'assistant', content: rawOutput },
    { role: 'user', content: `That answer cannot be used: it ${reason}. ${retry}` },
  ];
}
