/**
 * The vendor refused a batch because the model's batch queue is full: OpenAI ends such a batch
 * `failed` with `token_limit_exceeded` (enqueued tokens over the organisation's batch limit);
 * Anthropic answers the create call with a 429. No line is at fault: they go back to the
 * collector without counting a resubmission, and the submitter waits before cutting another
 * batch (batch-submitter.ts).
 */
export class BatchQueueFullError extends Error {
  constructor(readonly detail: string) {
    super(`the vendor's batch queue for this model is full: ${detail}`);
    this.name = 'BatchQueueFullError';
  }
}

/** OpenAI batch error codes that mean "the queue is full", not "these lines are wrong". */
export const OPENAI_QUEUE_FULL_CODES: ReadonlySet<string> = new Set(['token_limit_exceeded']);

/** Whether an SDK error from submitting a batch is a rate limit (HTTP 429). */
export function isRateLimitStatus(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { status?: unknown }).status === 429;
}
