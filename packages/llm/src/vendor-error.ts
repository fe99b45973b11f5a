import type { z } from 'zod';
import {
  isRetryableStatus,
  LlmCallError,
  type LlmCallErrorCode,
  retryAfterFromHeaders,
} from './errors/llm-call-error';

/** How a vendor SDK's error was classified by the vendor's own `instanceof` checks. */
export type VendorErrorKind = 'aborted' | 'timeout' | 'connection' | 'status' | 'invalid-body' | 'unknown';

export interface VendorErrorDetails {
  kind: VendorErrorKind;
  status?: number;
  headers?: { get(name: string): string | null };
  requestId?: string | null;
  message: string;
}

/**
 * Both official SDKs share one error design (Stainless): `APIError` with `status` and `headers`,
 * and subclasses for aborts, timeouts and connection failures. This turns a classified vendor
 * error into our one `LlmCallError`.
 */
export function llmCallErrorFromVendor(
  details: VendorErrorDetails,
  context: { provider: string; modelId: string; signal?: AbortSignal; cause?: unknown },
): LlmCallError {
  const base = { provider: context.provider, modelId: context.modelId, cause: context.cause };
  // An abort we asked for can surface as any kind; the caller's signal decides.
  if (details.kind === 'aborted' || context.signal?.aborted) {
    return new LlmCallError('call aborted', { ...base, code: 'LLM_ABORTED', isRetryable: false });
  }
  switch (details.kind) {
    case 'timeout':
      return new LlmCallError(`timed out (${details.message})`, {
        ...base,
        code: 'LLM_TIMEOUT',
        isRetryable: true,
      });
    case 'connection':
      return new LlmCallError(`connection failed (${details.message})`, {
        ...base,
        code: 'LLM_CONNECTION',
        isRetryable: true,
      });
    case 'invalid-body':
      // A truncated or non-JSON body is usually a proxy or network hiccup.
      return new LlmCallError(`unreadable response (${details.message})`, {
        ...base,
        code: 'LLM_INVALID_RESPONSE',
        isRetryable: true,
      });
    case 'status': {
      const status = details.status;
      // No cause: the vendor error holds the response body, which may echo part of the key
      // ("Incorrect API key provided: sk-..."). Everything useful is copied, scrubbed, here.
      return new LlmCallError(`HTTP ${status}: ${details.message}`, {
        provider: context.provider,
        modelId: context.modelId,
        code: codeOfStatus(status),
        status,
        isRetryable: isRetryableStatus(status),
        retryAfterMs: retryAfterFromHeaders(details.headers),
        requestId: details.requestId ?? undefined,
      });
    }
    default:
      return new LlmCallError(details.message, { ...base, code: 'LLM_CALL_FAILED', isRetryable: false });
  }
}

function codeOfStatus(status: number | undefined): LlmCallErrorCode {
  if (status === 429) return 'LLM_RATE_LIMITED';
  if (status === 408) return 'LLM_TIMEOUT';
  if (status === 409) return 'LLM_CALL_FAILED';
  if (status !== undefined && status >= 500) return 'LLM_SERVER_ERROR';
  if (status === 401 || status === 403) return 'LLM_AUTHENTICATION';
  if (status !== undefined && status >= 400) return 'LLM_BAD_REQUEST';
  return 'LLM_CALL_FAILED';
}

/** An error from our own response validation: the server answered 200 with a body we cannot use. */
export function invalidResponseError(
  context: { provider: string; modelId: string; baseURL: string },
  problem: string,
): LlmCallError {
  return new LlmCallError(
    `the response from ${redactUrl(context.baseURL)} is not a ${context.provider} response (${problem}); check the base URL and provider`,
    {
      provider: context.provider,
      modelId: context.modelId,
      code: 'LLM_INVALID_RESPONSE',
      isRetryable: false,
    },
  );
}

/** A URL safe to show: user and password removed. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return '(unparseable URL)';
  }
}

/** `path: problem` of the first few zod issues, for an invalid-response message. */
export function describeResponseIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}
