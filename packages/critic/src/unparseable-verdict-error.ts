import { ParleyError } from '@parley/core';

/**
 * A model answer that matched the schema but cannot be a verdict (a rubric that scores the
 * wrong candidates, a verdict contradicting itself). Not retryable: asking again is the LLM
 * layer's job (structuredOutputRetries); here bad output becomes data.
 */
export class UnparseableVerdictError extends ParleyError {
  constructor(message: string) {
    super(message, { code: 'VERDICT_UNPARSEABLE', isRetryable: false });
  }
}
