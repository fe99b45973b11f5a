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
  /** The vendor's error code or type from the body (`insufficient_quota`, `invalid_request_error`). */
  type?: string | null;
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
      // The openai SDK's message already starts with the status ("429 You exceeded ...").
      const text = details.message.startsWith(`${status} `)
        ? details.message.slice(`${status} `.length)
        : details.message;
      const message = shortProviderMessage(text);
      const providerType = details.type ?? undefined;
      // An exhausted account answers 429 (OpenAI) or 400 (Anthropic): no retry, and no backing
      // off the shared limiter either, since no rate is to blame.
      const quota = isQuotaExhausted(status, providerType, details.message);
      // No cause: the vendor error holds the response body, which may echo part of the key
      // ("Incorrect API key provided: sk-..."). Everything useful is copied, scrubbed, here.
      return new LlmCallError(`HTTP ${status}: ${message}`, {
        provider: context.provider,
        modelId: context.modelId,
        code: quota ? 'LLM_QUOTA_EXCEEDED' : codeOfStatus(status),
        status,
        isRetryable: quota ? false : isRetryableStatus(status),
        retryAfterMs: quota ? undefined : retryAfterFromHeaders(details.headers),
        requestId: details.requestId ?? undefined,
        providerType,
      });
    }
    default:
      return new LlmCallError(details.message, { ...base, code: 'LLM_CALL_FAILED', isRetryable: false });
  }
}

/** The call ran past its whole-call deadline (`timeoutMs`, body included): retryable. */
export function deadlineError(
  context: { provider: string; modelId: string },
  timeoutMs: number,
  cause?: unknown,
): LlmCallError {
  return new LlmCallError(`timed out after ${timeoutMs} ms (the whole call, body included)`, {
    ...context,
    code: 'LLM_TIMEOUT',
    isRetryable: true,
    cause,
  });
}

/**
 * OpenAI: 429 with code/type `insufficient_quota`. Anthropic: 400 `invalid_request_error`
 * "Your credit balance is too low ...", or the `billing_error` type.
 */
export function isQuotaExhausted(
  status: number | undefined,
  type: string | undefined,
  message: string,
): boolean {
  if (type === 'insufficient_quota' || type === 'billing_error') return true;
  return status === 400 && /credit balance is too low/i.test(message);
}

const NETWORK_ERROR_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/**
 * A connection that broke, wherever it surfaced. A reset while the SDK reads the body is not
 * wrapped by the SDK: fetch rejects with `TypeError: terminated` whose cause is undici's
 * `SocketError` (`UND_ERR_SOCKET`), or an `ECONNRESET`.
 */
export function isConnectionFailure(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_ERROR_CODES.has(code)) return true;
    if (current.name === 'SocketError') return true;
    if (
      current instanceof TypeError &&
      /^(terminated|fetch failed|other side closed)$/.test(current.message)
    ) {
      return true;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

const MAX_MESSAGE_CHARS = 500;
const HTML_EXCERPT_CHARS = 200;

/**
 * A provider's error text fit for a log line: an HTML error page (a proxy's 502, a captive
 * portal) becomes a short excerpt of its text, tags stripped; anything else is capped.
 */
export function shortProviderMessage(message: string): string {
  if (/<(?:!doctype|html|head|body|title|center|h1)\b/i.test(message)) {
    const text = message
      .replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, ' ')
      .replace(/<[^>]*>/g, ' ')
      .replace(/&nbsp;/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    const excerpt = text.length > HTML_EXCERPT_CHARS ? `${text.slice(0, HTML_EXCERPT_CHARS)}…` : text;
    return `HTML error page (${message.length} chars): ${excerpt}`;
  }
  return message.length > MAX_MESSAGE_CHARS ? `${message.slice(0, MAX_MESSAGE_CHARS)}…` : message;
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
