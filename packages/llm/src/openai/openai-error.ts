import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  OpenAIError,
} from 'openai';
import type { LlmCallError } from '../errors/llm-call-error';
import { isConnectionFailure, llmCallErrorFromVendor, type VendorErrorDetails } from '../vendor-error';

/** Turns anything the openai SDK throws into an `LlmCallError`. */
export function mapOpenAIError(
  error: unknown,
  context: { provider: string; modelId: string; signal?: AbortSignal },
): LlmCallError {
  return llmCallErrorFromVendor(classify(error), { ...context, cause: error });
}

function classify(error: unknown): VendorErrorDetails {
  const message = error instanceof Error ? error.message : String(error);
  // Subclasses first: a timeout is a connection error is an APIError.
  if (error instanceof APIUserAbortError) return { kind: 'aborted', message };
  if (error instanceof APIConnectionTimeoutError) return { kind: 'timeout', message };
  if (error instanceof APIConnectionError) return { kind: 'connection', message };
  if (error instanceof APIError) {
    return {
      kind: 'status',
      status: error.status,
      headers: error.headers,
      requestId: error.requestID,
      type: typeof error.code === 'string' ? error.code : typeof error.type === 'string' ? error.type : null,
      message: message,
    };
  }
  if (isConnectionFailure(error)) return { kind: 'connection', message };
  if (error instanceof SyntaxError) return { kind: 'invalid-body', message };
  if (error instanceof Error && error.name === 'AbortError') return { kind: 'aborted', message };
  if (error instanceof OpenAIError) return { kind: 'unknown', message };
  return { kind: 'unknown', message };
}
