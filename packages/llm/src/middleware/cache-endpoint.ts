import { createHash } from 'node:crypto';
import type { SimulatorConfig } from '@parley/core';
import { canonicalJson } from './response-cache';

/** Query parameters that may hold a credential: never part of an endpoint's identity. */
const SECRET_PARAMETER = /key|token|secret|sig|auth|pass|credential|session/i;

/**
 * Who answers a binding's requests, for the response cache's key: two servers may answer one
 * request differently, so a real provider's endpoint is its normalised base URL (scheme, host,
 * port and path; no credentials, fragment or secret-looking query parameters). The simulator a
 * run starts in-process listens on a new port each run, but answers by its settings alone: its
 * identity is those settings (`simulator`), never its port.
 */
export function cacheEndpoint(baseURL: string, inProcessSimulator?: InProcessSimulatorIdentity): string {
  if (inProcessSimulator) return simulatorIdentity(inProcessSimulator);
  return normaliseBaseUrl(baseURL);
}

/** What decides an in-process simulator's answers. */
export interface InProcessSimulatorIdentity {
  simulator: SimulatorConfig;
  /** The text the simulator draws on when `simulator.textSource` is unset (the job's seed). */
  fallbackTextSource?: string;
}

function simulatorIdentity({ simulator, fallbackTextSource }: InProcessSimulatorIdentity): string {
  // Latency and request limits change when an answer comes, never what it says.
  const {
    latencyMs: _latency,
    latencyJitterMs: _jitter,
    requestsPerMinute: _limit,
    ...answering
  } = simulator;
  const settings = { ...answering, textSource: simulator.textSource ?? fallbackTextSource };
  const digest = createHash('sha256').update(canonicalJson(settings)).digest('hex');
  return `simulator:${digest}`;
}

/** The base URL without what does not name the server: credentials, fragment, secrets, a trailing `/`. */
export function normaliseBaseUrl(baseURL: string): string {
  let url: URL;
  try {
    url = new URL(baseURL);
  } catch {
    return baseURL.trim();
  }
  const parameters = [...url.searchParams]
    .filter(([name]) => !SECRET_PARAMETER.test(name))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const query = parameters.length > 0 ? `?${new URLSearchParams(parameters).toString()}` : '';
  const pathname = url.pathname.replace(/\/+$/, '');
  // URL lowercases scheme and host and drops a default port.
  return `${url.protocol}//${url.host}${pathname}${query}`;
}
