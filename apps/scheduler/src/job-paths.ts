import path from 'node:path';
import type { RunConfig } from '@parley/core';

/**
 * Paths in a job file are relative to the job file. The stored config holds absolute paths, so
 * workers and schedulers started anywhere read the same files. That includes key files: the
 * preflight reads `apiKeyFile` relative to the job file, and a worker whose working directory
 * differs must read the same file (it used to look relative to its own directory and fail
 * every call with MISSING_API_KEY after the preflight had passed).
 */
export function resolveJobPaths(config: RunConfig, jobFile: string): RunConfig {
  const base = path.dirname(path.resolve(jobFile));
  const resolve = (value: string) => path.resolve(base, value);
  return {
    ...config,
    seed: { ...config.seed, path: resolve(config.seed.path) },
    output: { ...config.output, dir: resolve(config.output.dir) },
    cache: config.cache.dir ? { ...config.cache, dir: resolve(config.cache.dir) } : config.cache,
    models: Object.fromEntries(
      Object.entries(config.models).map(([name, model]) => [
        name,
        model.apiKeyFile ? { ...model, apiKeyFile: resolve(model.apiKeyFile) } : model,
      ]),
    ),
    simulator: {
      ...config.simulator,
      textSource: config.simulator.textSource ? resolve(config.simulator.textSource) : undefined,
    },
  };
}
