import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from '@anthropic-ai/sdk';
import type { LlmCallError } from '../errors/llm-call-error';
import { isConnectionFailure, llmCallErrorFromVendor, type VendorErrorDetails } from '../vendor-error';

/** Turns anything the @anthropic-ai/sdk throws into an `LlmCallError` (529 overloaded is a retryable 5xx). */
export function mapAnthropicError(
  error: unknown,
  context: { provider: string; modelId: string; signal?: AbortSignal },
): LlmCallError {
  return llmCallErrorFromVendor(classify(error), { ...context, cause: error });
}

function classify(error: unknown): VendorErrorDetails {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof APIUserAbortError) return { kind: 'aborted', message };
  if (error instanceof APIConnectionTimeoutError) return { kind: 'timeout', message };
  if (error instanceof APIConnectionError) return { kind: 'connection', message };
  if (error instanceof APIError) {
    return {
      kind: 'status',
      status: error.status,
      headers: error.headers,
      requestId: error.requestID,
      type: error.type,
      message: error.apiMessage ?? message,
    };
  }
  if (isConnectionFailure(error)) return { kind: 'connection', message };
  if (error instanceof SyntaxError) return { kind: 'invalid-body', message };
  if (error instanceof Error && error.name === 'AbortError') return { kind: 'aborted', message };
  return { kind: 'unknown', message };
}
