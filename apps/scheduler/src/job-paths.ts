import path from 'node:path';
import type { RunConfig } from '@parley/core';

/**
 * Paths in a job file are relative to the job file. The stored config holds absolute paths, so
 * workers and schedulers started anywhere read the same files.
 */
export function resolveJobPaths(config: RunConfig, jobFile: string): RunConfig {
  const base = path.dirname(path.resolve(jobFile));
  const resolve = (value: string) => path.resolve(base, value);
  return {
    ...config,
    seed: { ...config.seed, path: resolve(config.seed.path) },
    output: { ...config.output, dir: resolve(config.output.dir) },
    simulator: {
      ...config.simulator,
      textSource: config.simulator.textSource ? resolve(config.simulator.textSource) : undefined,
    },
  };
}
