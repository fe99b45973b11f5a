import { ParleyError, type TokenUsage, tokenUsageSchema, withSpentUsage } from '@parley/core';
import { llmFailureReason } from '@parley/llm';
import { UnrecoverableError } from 'bullmq';

/**
 * Maps Parley's typed errors to BullMQ's retry semantics: a non-retryable error (bad output
 * after its retries, a spent budget, a missing key) fails the job at once; anything else is
 * thrown as is and retried with the job's backoff.
 */
export function toBullmqError(error: unknown): Error {
  if (error instanceof ParleyError && !error.isRetryable) {
    // No `cause`: its message would be logged a second time after this one. An LLM failure
    // leads with its outcome (`truncated: ...`, `provider-error (429 insufficient_quota): ...`),
    // which is what rejected.jsonl and the summary show. Tokens the failed call was billed for
    // (a truncated or refused answer) ride at its end, so the parent can record them.
    const reason = llmFailureReason(error) ?? `${error.code}: ${error.message}`;
    return new UnrecoverableError(withSpentUsage(reason, usageOf(error)));
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** The tokens an error says its call spent (StructuredOutputError keeps them), if any. */
function usageOf(error: ParleyError): TokenUsage | undefined {
  const parsed = tokenUsageSchema.safeParse((error as { usage?: unknown }).usage);
  return parsed.success ? parsed.data : undefined;
}

/** Runs a processor body and maps whatever it throws. */
export async function withErrorMapping<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    throw toBullmqError(error);
  }
}
