import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { DashboardCredentials } from './dashboard-credentials';
import { refuse } from './http-refusal';
import type { LoginRateLimiter } from './login-rate-limit';

/**
 * What a caller may do: `read` (GET and HEAD only) or `write` (everything, reading included).
 * dashboardAuth leaves it in `response.locals.dashboardScope` for the routes after it.
 */
export type DashboardScope = 'read' | 'write';

// Only these methods read; every other one (POST, PUT, PATCH, DELETE, OPTIONS, …) needs `write`.
const READ_METHODS = new Set(['GET', 'HEAD']);

/** Compares two secrets in time that depends on neither (both are hashed to one length first). */
export function constantTimeEqual(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

// Compares against a secret that may be unset; the comparison runs either way.
function matches(given: string, expected: string | undefined): boolean {
  const equal = constantTimeEqual(given, expected ?? '');
  return expected !== undefined && equal;
}

/**
 * The scope an Authorization header carries, or undefined for none. Write: `Bearer <token>`, or
 * `Basic` with the user and password. Read: `Bearer <read token>`. A browser cannot send a bearer
 * token from its address bar, so `Basic` with any user name and a token as password is accepted
 * too. Every comparison always runs, so the time taken does not tell which part was wrong.
 */
export function authorizedScope(
  header: string | undefined,
  credentials: DashboardCredentials,
): DashboardScope | undefined {
  if (!header) return undefined;
  const [scheme = '', value = ''] = header.trim().split(/\s+/, 2);
  let user: string | undefined;
  let secret: string;
  if (scheme.toLowerCase() === 'bearer') {
    secret = value;
  } else if (scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const separator = decoded.indexOf(':');
    if (separator < 0) return undefined;
    user = decoded.slice(0, separator);
    secret = decoded.slice(separator + 1);
  } else {
    return undefined;
  }
  const userMatches = matches(user ?? '', credentials.user);
  const passwordMatches = matches(secret, credentials.password);
  const tokenMatches = matches(secret, credentials.token);
  const readTokenMatches = matches(secret, credentials.readToken);
  const pairMatches = user !== undefined && userMatches && passwordMatches;
  if (pairMatches || tokenMatches) return 'write';
  return readTokenMatches ? 'read' : undefined;
}

export interface DashboardAuthOptions {
  /** Refuses addresses that fail to log in too often; none means no limit. */
  rateLimiter?: LoginRateLimiter;
}

/**
 * Guards every route when credentials are configured: 401 with a challenge without valid ones,
 * 429 with Retry-After for an address that failed too often, 403 for a write with the read
 * token. Without credentials (allowed on loopback only) every request passes with the write scope.
 */
export function dashboardAuth(
  credentials: DashboardCredentials | undefined,
  options: DashboardAuthOptions = {},
): RequestHandler {
  return (request, response, next) => {
    if (!credentials) {
      response.locals.dashboardScope = 'write' satisfies DashboardScope;
      next();
      return;
    }
    const address = clientAddress(request);
    const waitMs = options.rateLimiter?.retryAfterMs(address) ?? 0;
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      refuse(
        request,
        response,
        429,
        `Too Many Requests: too many failed logins from this address; try again in ${seconds} s`,
        { 'Retry-After': String(seconds) },
      );
      return;
    }
    const header = request.headers.authorization;
    const scope = authorizedScope(header, credentials);
    if (!scope) {
      // A request without credentials is a browser's first visit, not a guess.
      if (header) options.rateLimiter?.recordFailure(address);
      refuse(
        request,
        response,
        401,
        'Unauthorized: this Parley dashboard needs credentials (basic auth or a bearer token)',
        { 'WWW-Authenticate': 'Basic realm="Parley dashboard", charset="UTF-8"' },
      );
      return;
    }
    if (scope === 'read' && !READ_METHODS.has(request.method)) {
      refuse(
        request,
        response,
        403,
        `Forbidden: the read token (PARLEY_DASHBOARD_READ_TOKEN) may only read; ${request.method} needs ` +
          'the write token (PARLEY_DASHBOARD_TOKEN) or the basic-auth user',
      );
      return;
    }
    response.locals.dashboardScope = scope;
    next();
  };
}

// The peer address: the dashboard does not trust X-Forwarded-For, which any client can write.
function clientAddress(request: Request): string {
  const address = request.socket.remoteAddress ?? 'unknown';
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}
