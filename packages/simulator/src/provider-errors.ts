/** Which provider's conventions a route follows (error bodies, headers, ids). */
export type ProviderFlavour = 'openai' | 'anthropic';

/** An HTTP error answer in the provider's own shape, thrown by handlers and sent by the server. */
export class ProviderHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: { param?: string | null; code?: string | null; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'ProviderHttpError';
  }
}

const OPENAI_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'invalid_request_error',
  404: 'invalid_request_error',
  405: 'invalid_request_error',
  413: 'invalid_request_error',
  429: 'requests',
  500: 'server_error',
  503: 'server_error',
};

const ANTHROPIC_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  404: 'not_found_error',
  405: 'invalid_request_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  503: 'overloaded_error',
  529: 'overloaded_error',
};

/**
 * OpenAI: `{ error: { message, type, param, code } }`.
 * Anthropic: `{ type: 'error', error: { type, message }, request_id }`.
 */
export function providerErrorBody(
  flavour: ProviderFlavour,
  status: number,
  message: string,
  details: { param?: string | null; code?: string | null; requestId?: string; type?: string } = {},
): object {
  if (flavour === 'anthropic') {
    return {
      type: 'error',
      error: { type: details.type ?? ANTHROPIC_TYPES[status] ?? 'api_error', message },
      request_id: details.requestId ?? null,
    };
  }
  return {
    error: {
      message,
      type: details.type ?? OPENAI_TYPES[status] ?? 'server_error',
      param: details.param ?? null,
      code: details.code ?? null,
    },
  };
}
