import { ParleyError, scrubSecrets, type TokenUsage } from '@parley/core';
import type { StructuredOutcome } from '../structured-output';

/**
 * The model answered, but not with an object the schema accepts, after every allowed retry,
 * or refused, or was stopped by a content filter, or ran out of output tokens. Not retryable:
 * the same prompt already failed `attempts` times. The message starts with the outcome
 * (`unparseable:`, `truncated:`, `refused:`, `content-filtered:`); the raw output and the
 * tokens paid for are kept so the caller can record them (bad output is data, not a crash).
 */
export class StructuredOutputError extends ParleyError {
  readonly modelId: string;
  readonly schemaName: string;
  readonly outcome: StructuredOutcome;
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
    /** @defaultValue 'unparseable' */
    outcome?: StructuredOutcome;
  }) {
    const outcome = options.outcome ?? 'unparseable';
    const last = options.reasons[options.reasons.length - 1] ?? 'unknown reason';
    const attempts = `${options.attempts} attempt${options.attempts === 1 ? '' : 's'}`;
    const detail =
      outcome === 'unparseable'
        ? `${options.modelId}: no valid "${options.schemaName}" object after ${attempts} (${last})`
        : `${last} (${options.modelId}, "${options.schemaName}", ${attempts})`;
    super(scrubSecrets(`${outcome}: ${detail}`), { code: 'LLM_STRUCTURED_OUTPUT', isRetryable: false });
    this.outcome = outcome;
    this.modelId = options.modelId;
    this.schemaName = options.schemaName;
    this.rawOutput = options.rawOutput;
    this.reasons = options.reasons;
    this.attempts = options.attempts;
    this.usage = options.usage;
  }
}
