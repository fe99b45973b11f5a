import type { Request, RequestHandler } from 'express';
import { refuse } from './http-refusal';

/** The header Parley's own scripts and clients send with every write: `X-Parley-Request: 1`. */
export const PARLEY_REQUEST_HEADER = 'X-Parley-Request';

// GET, HEAD and OPTIONS change nothing here and skip the guard. Every other method must prove it
// comes from this origin, even PUT, PATCH and DELETE (which a cross-site page can only send after
// a preflight this server never grants): one rule for all writes leaves nothing to get wrong.
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses (403) a write unless it carries an `Origin` equal to this server's own origin or
 * `X-Parley-Request: 1`. A page on another origin can make the browser send a form or a simple
 * request (and with it any basic-auth credentials the browser holds), but it cannot choose the
 * Origin the browser sends, nor add a custom header without a CORS preflight that this server
 * never grants. Browsers send Origin on every same-origin write (Chromium even under
 * `Referrer-Policy: no-referrer`); clients that are not browsers send the header instead.
 */
export function requestOriginGuard(): RequestHandler {
  return (request, response, next) => {
    if (SAFE_METHODS.has(request.method) || request.get(PARLEY_REQUEST_HEADER) === '1') {
      next();
      return;
    }
    const origin = request.get('origin');
    const own = ownOrigin(request);
    if (origin !== undefined && own !== undefined && normalizedOrigin(origin) === own) {
      next();
      return;
    }
    refuse(
      request,
      response,
      403,
      `Forbidden: a ${request.method} must come from this dashboard's own pages (Origin ` +
        `${own ?? 'of this server'}, got ${origin ?? 'none'}) or carry the header ` +
        `${PARLEY_REQUEST_HEADER}: 1 (curl: -H '${PARLEY_REQUEST_HEADER}: 1'); cross-site requests are refused`,
    );
  };
}

/**
 * This server's origin as the browser names it: the scheme it was reached with and the Host it
 * addressed. Behind a TLS proxy the scheme is the proxy's X-Forwarded-Proto: a cross-site page
 * cannot set that header, so trusting it here gives such a page nothing.
 */
function ownOrigin(request: Request): string | undefined {
  const host = request.get('host');
  if (!host) return undefined;
  const forwarded = request.get('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
  const scheme = forwarded === 'https' || forwarded === 'http' ? forwarded : request.protocol;
  // A Host with a path, user info or anything else but host[:port] names no origin.
  return HOST.test(host) ? normalizedOrigin(`${scheme}://${host}`) : undefined;
}

// A name or IPv4 address, or a bracketed IPv6 address, with an optional port.
const HOST = /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

// Lower case, default port dropped: how browsers serialise an origin. `null` names none.
function normalizedOrigin(text: string): string | undefined {
  try {
    const { origin } = new URL(text);
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}
