import { ConfigError, ParleyError } from '@parley/core';
import { z } from 'zod';
import { isLoopbackAddress } from './loopback-address';

/** Who may use the dashboard: basic auth (user and password), a bearer token, or both. */
export interface DashboardCredentials {
  user?: string;
  password?: string;
  token?: string;
}

const environmentSchema = z.object({
  PARLEY_DASHBOARD_USER: z.string().min(1).optional(),
  PARLEY_DASHBOARD_PASSWORD: z.string().min(1).optional(),
  PARLEY_DASHBOARD_TOKEN: z.string().min(1).optional(),
});

// Short secrets can be guessed over the network; the token and password guard every route.
const MINIMUM_SECRET_LENGTH = 8;

/**
 * Reads PARLEY_DASHBOARD_USER / PARLEY_DASHBOARD_PASSWORD and PARLEY_DASHBOARD_TOKEN. Returns
 * undefined when none is set; throws one ConfigError listing every problem (half a basic-auth
 * pair, a secret too short to resist guessing).
 */
export function credentialsFromEnvironment(
  environment: NodeJS.ProcessEnv = process.env,
): DashboardCredentials | undefined {
  // Empty variables (compose's `${X:-}`) count as unset.
  const present = Object.fromEntries(
    Object.entries(environment).filter(([name, value]) => name.startsWith('PARLEY_DASHBOARD_') && value),
  );
  const parsed = environmentSchema.parse(present);
  const problems: Array<{ path: string; message: string }> = [];
  const {
    PARLEY_DASHBOARD_USER: user,
    PARLEY_DASHBOARD_PASSWORD: password,
    PARLEY_DASHBOARD_TOKEN: token,
  } = parsed;
  if (user && !password)
    problems.push({ path: 'PARLEY_DASHBOARD_PASSWORD', message: 'is required with PARLEY_DASHBOARD_USER' });
  if (password && !user)
    problems.push({ path: 'PARLEY_DASHBOARD_USER', message: 'is required with PARLEY_DASHBOARD_PASSWORD' });
  for (const [name, value] of [
    ['PARLEY_DASHBOARD_PASSWORD', password],
    ['PARLEY_DASHBOARD_TOKEN', token],
  ] as const) {
    if (value && value.length < MINIMUM_SECRET_LENGTH)
      problems.push({ path: name, message: `must be at least ${MINIMUM_SECRET_LENGTH} characters` });
  }
  if (problems.length > 0) throw new ConfigError(problems, 'environment');
  if (!token && !(user && password)) return undefined;
  return { user, password, token };
}

/**
 * The dashboard binds 127.0.0.1 by default; any other address can be reached from elsewhere,
 * so it must not start without credentials.
 */
export function assertBindAllowed(host: string, credentials: DashboardCredentials | undefined): void {
  if (credentials || isLoopbackAddress(host)) return;
  throw new ParleyError(
    `refusing to serve the dashboard on ${host} without credentials: anyone who reaches that address could ` +
      'read every run and steer the queues. Set PARLEY_DASHBOARD_TOKEN (a bearer token), or ' +
      'PARLEY_DASHBOARD_USER and PARLEY_DASHBOARD_PASSWORD (basic auth), or bind 127.0.0.1',
    { code: 'DASHBOARD_UNPROTECTED' },
  );
}
