import { ConfigError, ParleyError } from '@parley/core';
import { z } from 'zod';
import { isLoopbackAddress } from './loopback-address';

/**
 * Who may use the dashboard. The write scope (basic auth with user and password, or the bearer
 * token) may do everything; the read token may only read (pages, /metrics, GET API, Bull Board's
 * views). Any one of them is enough to protect the dashboard.
 */
export interface DashboardCredentials {
  user?: string;
  password?: string;
  token?: string;
  readToken?: string;
}

// Short secrets can be guessed over the network; the token and password guard every route.
const MINIMUM_SECRET_LENGTH = 8;

const secret = z.string().min(MINIMUM_SECRET_LENGTH, {
  error: `must be at least ${MINIMUM_SECRET_LENGTH} characters`,
});
const environmentSchema = z
  .object({
    PARLEY_DASHBOARD_USER: z.string().min(1).optional(),
    PARLEY_DASHBOARD_PASSWORD: secret.optional(),
    PARLEY_DASHBOARD_TOKEN: secret.optional(),
    PARLEY_DASHBOARD_READ_TOKEN: secret.optional(),
  })
  .superRefine((variables, context) => {
    const { PARLEY_DASHBOARD_USER: user, PARLEY_DASHBOARD_PASSWORD: password } = variables;
    if (user && !password)
      context.addIssue({
        code: 'custom',
        path: ['PARLEY_DASHBOARD_PASSWORD'],
        message: 'is required with PARLEY_DASHBOARD_USER',
      });
    if (password && !user)
      context.addIssue({
        code: 'custom',
        path: ['PARLEY_DASHBOARD_USER'],
        message: 'is required with PARLEY_DASHBOARD_PASSWORD',
      });
    // A read token equal to a write secret would hand out write access under a read-only name.
    const readToken = variables.PARLEY_DASHBOARD_READ_TOKEN;
    for (const name of ['PARLEY_DASHBOARD_TOKEN', 'PARLEY_DASHBOARD_PASSWORD'] as const) {
      if (readToken && readToken === variables[name])
        context.addIssue({
          code: 'custom',
          path: ['PARLEY_DASHBOARD_READ_TOKEN'],
          message: `must differ from ${name}`,
        });
    }
  });

/**
 * Reads PARLEY_DASHBOARD_USER / PARLEY_DASHBOARD_PASSWORD, PARLEY_DASHBOARD_TOKEN and
 * PARLEY_DASHBOARD_READ_TOKEN. Returns undefined when none is set; throws one ConfigError listing
 * every problem (half a basic-auth pair, a secret too short to resist guessing, a read token that
 * equals a write secret).
 */
export function credentialsFromEnvironment(
  environment: NodeJS.ProcessEnv = process.env,
): DashboardCredentials | undefined {
  // Empty variables (compose's `${X:-}`) count as unset.
  const present = Object.fromEntries(
    Object.entries(environment).filter(([name, value]) => name.startsWith('PARLEY_DASHBOARD_') && value),
  );
  const parsed = environmentSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
      'environment',
    );
  }
  const {
    PARLEY_DASHBOARD_USER: user,
    PARLEY_DASHBOARD_PASSWORD: password,
    PARLEY_DASHBOARD_TOKEN: token,
    PARLEY_DASHBOARD_READ_TOKEN: readToken,
  } = parsed.data;
  if (!token && !readToken && !(user && password)) return undefined;
  return Object.fromEntries(
    Object.entries({ user, password, token, readToken }).filter(([, value]) => value !== undefined),
  ) as DashboardCredentials;
}

/**
 * The dashboard binds 127.0.0.1 by default; any other address can be reached from elsewhere,
 * so it must not start without credentials. A read token alone is enough: every route then needs
 * it, and nobody can write at all.
 */
export function assertBindAllowed(host: string, credentials: DashboardCredentials | undefined): void {
  if (credentials || isLoopbackAddress(host)) return;
  throw new ParleyError(
    `refusing to serve the dashboard on ${host} without credentials: anyone who reaches that address could ` +
      'read every run and steer the queues. Set PARLEY_DASHBOARD_TOKEN (a bearer token), or ' +
      'PARLEY_DASHBOARD_USER and PARLEY_DASHBOARD_PASSWORD (basic auth), and/or ' +
      'PARLEY_DASHBOARD_READ_TOKEN (read only), or bind 127.0.0.1',
    { code: 'DASHBOARD_UNPROTECTED' },
  );
}
