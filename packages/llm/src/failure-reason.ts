import { BudgetExceededError } from './errors/budget-exceeded-error';
import { LlmCallError } from './errors/llm-call-error';
import { StructuredOutputError } from './errors/structured-output-error';

/**
 * The reason a failed LLM call leaves in records and summaries, outcome first:
 * `unparseable: ...`, `truncated: ...`, `refused: ...`, `content-filtered: ...`,
 * `provider-error (429 insufficient_quota): ...`, `budget-exceeded: ...`. Undefined for errors
 * that are not the LLM layer's.
 */
export function llmFailureReason(error: unknown): string | undefined {
  if (error instanceof StructuredOutputError) return error.message;
  if (error instanceof LlmCallError) return error.reason;
  if (error instanceof BudgetExceededError) return `budget-exceeded: ${error.message}`;
  return undefined;
}
