import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { DashboardCredentials } from './dashboard-credentials';

/** Compares two secrets in time that depends on neither (both are hashed to one length first). */
export function constantTimeEqual(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * Whether an Authorization header carries the credentials: `Bearer <token>`, or `Basic` with the
 * user and password. A browser cannot send a bearer token from its address bar, so Basic with
 * any user name and the token as password is accepted too.
 */
export function isAuthorized(header: string | undefined, credentials: DashboardCredentials): boolean {
  if (!header) return false;
  const [scheme, value = ''] = header.trim().split(/\s+/, 2);
  if (scheme?.toLowerCase() === 'bearer') {
    return credentials.token !== undefined && constantTimeEqual(value, credentials.token);
  }
  if (scheme?.toLowerCase() !== 'basic') return false;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  if (separator < 0) return false;
  const user = decoded.slice(0, separator);
  const password = decoded.slice(separator + 1);
  // Both comparisons always run, so the time taken does not tell which one failed.
  const basicMatches =
    credentials.user !== undefined && credentials.password !== undefined
      ? constantTimeEqual(user, credentials.user) && constantTimeEqual(password, credentials.password)
      : false;
  const tokenMatches = credentials.token !== undefined && constantTimeEqual(password, credentials.token);
  return basicMatches || tokenMatches;
}

/**
 * Guards every route when credentials are configured: 401 with a challenge otherwise. Without
 * credentials (allowed on loopback only) every request passes.
 */
export function dashboardAuth(credentials: DashboardCredentials | undefined): RequestHandler {
  return (request, response, next) => {
    if (!credentials || isAuthorized(request.headers.authorization, credentials)) {
      next();
      return;
    }
    response
      .status(401)
      .set('WWW-Authenticate', 'Basic realm="Parley dashboard", charset="UTF-8"')
      .set('Cache-Control', 'no-store')
      .type('text/plain')
      .send('401 Unauthorized: this Parley dashboard needs credentials (basic auth or a bearer token)\n');
  };
}
