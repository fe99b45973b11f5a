import { ParleyError, scrubSecrets, type TokenUsage } from '@parley/core';

/**
 * The model answered, but not with an object the schema accepts, after every allowed retry.
 * Not retryable: the same prompt already failed `attempts` times. The raw output is kept so the
 * caller can record it (bad output is data, not a crash).
 */
export class StructuredOutputError extends ParleyError {
  readonly modelId: string;
  readonly schemaName: string;
  /** The last answer's text, exactly as the model wrote it. */
  readonly rawOutput: string;
  /** Why each attempt was rejected, oldest first. */
  readonly reasons: string[];
  readonly attempts: number;
  /** Tokens spent on all attempts. */
  readonly usage: TokenUsage;

  constructor(options: {
    modelId: string;
    schemaName: string;
    rawOutput: string;
    reasons: string[];
    attempts: number;
    usage: TokenUsage;
  }) {
    const last = options.reasons[options.reasons.length - 1] ?? 'unknown reason';
    super(
      scrubSecrets(
        `${options.modelId}: no valid "${options.schemaName}" object after ${options.attempts} attempt${options.attempts === 1 ? '' : 's'} (${last})`,
      ),
      { code: 'LLM_STRUCTURED_OUTPUT', isRetryable: false },
    );
    this.modelId = options.modelId;
    this.schemaName = options.schemaName;
    this.rawOutput = options.rawOutput;
    this.reasons = options.reasons;
    this.attempts = options.attempts;
    this.usage = options.usage;
  }
}
