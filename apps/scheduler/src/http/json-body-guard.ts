import type { Request, RequestHandler } from 'express';
import { refuse } from './http-refusal';

const READ_METHODS = new Set(['GET', 'HEAD']);

/**
 * Refuses (415) any write whose body that is not JSON: the run API and Bull Board read JSON only,
 * and the bodies a cross-site form or simple request can send (text/plain, form-urlencoded,
 * multipart) are exactly the ones refused. A write without a body (Bull Board's pause, resume,
 * retry) passes.
 */
export function requireJsonBodies(): RequestHandler {
  return (request, response, next) => {
    if (READ_METHODS.has(request.method) || !hasBody(request) || request.is(['application/json', '+json'])) {
      next();
      return;
    }
    refuse(
      request,
      response,
      415,
      `Unsupported Media Type: send the body as application/json (got ${request.get('content-type') ?? 'no content type'})`,
    );
  };
}

// Chromium sends `Content-Length: 0` on a write without a body: that is no body.
function hasBody(request: Request): boolean {
  if (request.get('transfer-encoding') !== undefined) return true;
  const length = Number(request.get('content-length') ?? 0);
  return Number.isFinite(length) && length > 0;
}
