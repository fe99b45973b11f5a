import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ParleyError } from '@parley/core';
import { createDashboardApp, type DashboardAppOptions } from './dashboard-app';
import { assertBindAllowed, credentialsFromEnvironment } from './dashboard-credentials';
import { isLoopbackAddress } from './loopback-address';

export interface DashboardServerOptions extends Omit<DashboardAppOptions, 'loopbackHostsOnly'> {
  /** Interface to listen on; any other than loopback needs credentials. @defaultValue '127.0.0.1' */
  host?: string;
  /** TCP port; 0 picks a free one. @defaultValue 3000 */
  port?: number;
}

export interface RunningDashboard {
  /** Where a browser on this machine opens it. */
  url: string;
  host: string;
  port: number;
  /** Whether requests need credentials. */
  protected: boolean;
  close(): Promise<void>;
}

export const DEFAULT_DASHBOARD_HOST = '127.0.0.1';
export const DEFAULT_DASHBOARD_PORT = 3000;

/**
 * Serves the dashboard (Bull Board, the iteration dashboard, the JSON API, /metrics). Refuses to
 * listen beyond loopback without credentials (PARLEY_DASHBOARD_TOKEN, or PARLEY_DASHBOARD_USER
 * and PARLEY_DASHBOARD_PASSWORD), before it opens anything.
 */
export async function startDashboardServer(options: DashboardServerOptions): Promise<RunningDashboard> {
  const host = options.host ?? DEFAULT_DASHBOARD_HOST;
  const port = options.port ?? DEFAULT_DASHBOARD_PORT;
  const credentials = options.credentials ?? credentialsFromEnvironment(options.environment ?? process.env);
  assertBindAllowed(host, credentials);

  const dashboard = createDashboardApp({
    ...options,
    credentials,
    loopbackHostsOnly: !credentials && isLoopbackAddress(host),
  });
  const server = createServer(dashboard.app);
  try {
    await listen(server, port, host);
  } catch (error) {
    await dashboard.close();
    const code = (error as NodeJS.ErrnoException).code;
    throw new ParleyError(
      code === 'EADDRINUSE'
        ? `cannot serve the dashboard: ${host}:${port} is in use (choose another with --port)`
        : `cannot serve the dashboard on ${host}:${port} (${(error as Error).message})`,
      { code: 'DASHBOARD_LISTEN_FAILED', cause: error },
    );
  }
  const address = server.address() as AddressInfo;
  // A wildcard address is opened locally through loopback.
  const shown = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  const url = `http://${shown.includes(':') ? `[${shown}]` : shown}:${address.port}/`;
  let closing: Promise<void> | undefined;
  return {
    url,
    host,
    port: address.port,
    protected: credentials !== undefined,
    close: () => {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          // Browsers keep connections alive; do not wait for them to go idle.
          server.closeAllConnections();
        });
        await dashboard.close();
      })();
      return closing;
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}
