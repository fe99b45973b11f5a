import { ParleyError, scrubSecrets } from '@parley/core';

/** What went wrong with one provider call, normalised across vendors. */
export type LlmCallErrorCode =
  | 'LLM_RATE_LIMITED'
  | 'LLM_SERVER_ERROR'
  | 'LLM_TIMEOUT'
  | 'LLM_CONNECTION'
  | 'LLM_ABORTED'
  | 'LLM_BAD_REQUEST'
  | 'LLM_AUTHENTICATION'
  | 'LLM_QUOTA_EXCEEDED'
  | 'LLM_INVALID_RESPONSE'
  | 'LLM_CALL_FAILED';

/** HTTP statuses worth another attempt: timeout, conflict, rate limit and every server error. */
export function isRetryableStatus(status: number | undefined): boolean {
  return status === 408 || status === 409 || status === 429 || (status !== undefined && status >= 500);
}

export interface LlmCallErrorOptions {
  code: LlmCallErrorCode;
  /** `openai`, `anthropic`, `openai-compatible`, `simulator`. */
  provider: string;
  /** `provider:model`. */
  modelId: string;
  status?: number;
  /** Overrides the status-based decision (timeouts and connection errors have no status). */
  isRetryable?: boolean;
  /** From `retry-after-ms` or `retry-after`. */
  retryAfterMs?: number;
  /** The vendor's request id, for support tickets. */
  requestId?: string;
  /** The vendor's error code or type (`insufficient_quota`, `invalid_api_key`, `not_found_error`). */
  providerType?: string;
  cause?: unknown;
}

/**
 * A provider call that failed. `isRetryable` is decided here, once (408, 409, 429, 5xx,
 * timeouts, connection errors), and every retry loop reads it. The message is scrubbed of
 * registered secrets because vendors sometimes echo part of a key back.
 */
export class LlmCallError extends ParleyError {
  readonly provider: string;
  readonly modelId: string;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly requestId: string | undefined;
  readonly providerType: string | undefined;

  constructor(message: string, options: LlmCallErrorOptions) {
    super(scrubSecrets(`${options.modelId}: ${message}`), {
      code: options.code,
      isRetryable: options.isRetryable ?? isRetryableStatus(options.status),
      cause: options.cause,
    });
    this.provider = options.provider;
    this.modelId = options.modelId;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.requestId = options.requestId;
    this.providerType = options.providerType;
  }

  /** A rate limit to back off from; a 429 `insufficient_quota` is an exhausted account, not this. */
  get isRateLimited(): boolean {
    return this.status === 429 && this.code === 'LLM_RATE_LIMITED';
  }

  /**
   * The outcome label of a failed call for records and summaries:
   * `provider-error (429 insufficient_quota): ...`, `provider-error (timeout): ...`.
   */
  get reason(): string {
    const what =
      this.status !== undefined
        ? [this.status, this.providerType].filter((part) => part !== undefined).join(' ')
        : this.code === 'LLM_TIMEOUT'
          ? 'timeout'
          : this.code === 'LLM_CONNECTION'
            ? 'connection'
            : this.code.replace(/^LLM_/, '').toLowerCase();
    return `provider-error (${what}): ${this.message}`;
  }
}

/**
 * Milliseconds a server asked us to wait: `retry-after-ms` (OpenAI), else `retry-after` in
 * seconds or as an HTTP date. Absent or unparseable gives undefined.
 */
export function retryAfterFromHeaders(
  headers: { get(name: string): string | null } | undefined,
  now = Date.now(),
): number | undefined {
  if (!headers) return undefined;
  const milliseconds = headers.get('retry-after-ms');
  if (milliseconds !== null && milliseconds.trim() !== '') {
    const value = Number(milliseconds);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const retryAfter = headers.get('retry-after');
  if (retryAfter === null || retryAfter.trim() === '') return undefined;
  const seconds = Number(retryAfter);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
