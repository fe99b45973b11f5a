import type { RunConfig } from '@parley/core';
import type { ReleaseModel } from './release-input';

/**
 * The config as a release publishes it. Job files never hold keys (only the names of the
 * variables or files that do), but a base URL can carry `user:password@`; that part is cut.
 */
export function publicConfig(config: RunConfig): RunConfig {
  const models = Object.fromEntries(
    Object.entries(config.models).map(([name, model]) => [
      name,
      model.baseURL === undefined ? model : { ...model, baseURL: publicUrl(model.baseURL) },
    ]),
  );
  return { ...config, models };
}

/** Model name to provider, model id, (credential-free) base URL and price. */
export function publicModels(config: RunConfig): Record<string, ReleaseModel> {
  return Object.fromEntries(
    Object.entries(config.models).map(([name, model]): [string, ReleaseModel] => [
      name,
      {
        provider: model.provider,
        model: model.model,
        ...(model.baseURL === undefined ? {} : { baseURL: publicUrl(model.baseURL) }),
        ...(model.price === undefined ? {} : { price: model.price }),
      },
    ]),
  );
}

/** Drops user info from a URL; query strings go too, as some servers take keys there. */
export function publicUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (!parsed.username && !parsed.password && !parsed.search) return url;
  parsed.username = '';
  parsed.password = '';
  parsed.search = '';
  return parsed.toString();
}
