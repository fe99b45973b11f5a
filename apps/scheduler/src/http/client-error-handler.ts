import { STATUS_CODES } from 'node:http';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { refuse } from './http-refusal';
import { redactText } from './redact-secrets';

/** What body-parser, raw-body and the router attach to the errors a client caused. */
interface ClientErrorFields {
  status?: unknown;
  statusCode?: unknown;
  type?: unknown;
  limit?: unknown;
  encoding?: unknown;
  charset?: unknown;
  code?: unknown;
}

/**
 * Answers errors the client caused with their 4xx status and what was wrong: malformed JSON 400,
 * a body over the limit 413, an unknown content encoding or charset 415, a body that does not
 * decompress 400, broken percent-encoding in the path 400. Anything else goes on to the 500
 * handler. Messages are scrubbed of secrets like every other answer.
 */
export function clientErrorHandler(secrets: readonly string[] = []): ErrorRequestHandler {
  return (error: unknown, request, response, next) => {
    const status = clientErrorStatus(error);
    if (status === undefined || response.headersSent) {
      next(error);
      return;
    }
    const detail = describe(error as Error & ClientErrorFields);
    refuse(
      request,
      response,
      status,
      redactText(`${STATUS_CODES[status] ?? 'Client Error'}: ${detail}`, secrets),
    );
  };
}

/**
 * Sends a request whose path cannot be percent-decoded (`/runs/%E0%A4%A`) to clientErrorHandler
 * as a 400, whichever route would have taken it: the router reports such paths only for routes
 * with parameters, and Bull Board answers them as its own internal errors.
 */
export function refuseUndecodablePaths(): RequestHandler {
  return (request, _response, next) => {
    try {
      decodeURIComponent(request.path);
    } catch {
      next(Object.assign(new URIError(`cannot decode ${JSON.stringify(request.path)}`), { status: 400 }));
      return;
    }
    next();
  };
}

function clientErrorStatus(error: unknown): number | undefined {
  if (!(error instanceof Error)) return undefined;
  const fields = error as Error & ClientErrorFields;
  const status = Number(fields.status ?? fields.statusCode);
  return Number.isInteger(status) && status >= 400 && status < 500 ? status : undefined;
}

function describe(error: Error & ClientErrorFields): string {
  switch (error.type) {
    case 'entity.parse.failed':
      return `malformed JSON body (${error.message})`;
    case 'entity.too.large':
      return `the body is larger than the ${formatBytes(error.limit)} this route accepts`;
    case 'encoding.unsupported':
      return `unsupported content encoding "${String(error.encoding)}" (send identity, gzip, deflate or br)`;
    case 'charset.unsupported':
      return `unsupported charset "${String(error.charset)}" (send utf-8)`;
    case 'request.aborted':
      return 'the client closed the connection before sending the whole body';
    case 'request.size.invalid':
      return 'the body is not as long as its Content-Length says';
  }
  if (typeof error.code === 'string' && error.code.startsWith('Z_'))
    return `the body is not valid compressed data for its Content-Encoding (${error.message})`;
  if (error instanceof URIError || /^Failed to decode param/.test(error.message))
    return `the path has broken percent-encoding (${error.message})`;
  return error.message;
}

function formatBytes(limit: unknown): string {
  const bytes = Number(limit);
  if (!Number.isFinite(bytes)) return 'limit';
  return bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MB` : `${Math.round(bytes / 1024)} kB`;
}
