import type { ConfigProblem, RunConfig } from '@parley/core';
import { resolveBaseUrl } from './resolve-base-url';
import { redactUrl } from './vendor-error';

export interface ProbeProvidersOptions {
  simulatorUrl?: string;
  /** Per probe. @defaultValue 3000 */
  timeoutMs?: number;
}

/**
 * Reaches every distinct base URL of a job once (GET <base>/models) before a run starts. Any
 * HTTP answer, even 401 or 404, proves the server is there; a refused connection, an unknown
 * host or a timeout is reported against the bindings that use it. Sends no key.
 */
export async function probeProviders(
  config: RunConfig,
  environment: NodeJS.ProcessEnv = process.env,
  options: ProbeProvidersOptions = {},
): Promise<ConfigProblem[]> {
  const bindingsByUrl = new Map<string, string[]>();
  for (const [name, model] of Object.entries(config.models)) {
    const url = resolveBaseUrl(model, environment, options.simulatorUrl);
    if (url === undefined) continue; // a simulator the run starts itself
    bindingsByUrl.set(url, [...(bindingsByUrl.get(url) ?? []), name]);
  }
  const problems = await Promise.all(
    [...bindingsByUrl].map(async ([url, names]) => {
      const reason = await unreachable(url, options.timeoutMs ?? 3_000);
      return reason
        ? names.map((name) => ({
            path: `models.${name}.baseURL`,
            message: `${redactUrl(url)} is unreachable (${reason})`,
          }))
        : [];
    }),
  );
  return problems.flat();
}

async function unreachable(baseUrl: string, timeoutMs: number): Promise<string | undefined> {
  try {
    const response = await fetch(`${baseUrl.replace(/\/+$/, '')}/models`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel();
    return undefined;
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    if ((error as Error).name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
    return cause?.code ?? (error as Error).message;
  }
}
