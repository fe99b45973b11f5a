import path from 'node:path';
import { loadModelAllowlist, type PostedJobPolicy } from '@parley/scheduler';
import type { Command } from 'commander';

/** The run API's confinement flags, shared by `parley dashboard` and `parley scheduler`. */
export interface PostedJobFlags {
  jobsDir?: string;
  dataDir?: string[];
  outputRoot?: string[];
  modelAllowlist?: string;
}

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/** Adds --jobs-dir, --data-dir, --output-root and --model-allowlist to a serving command. */
export function addPostedJobOptions(command: Command): Command {
  return command
    .option('--jobs-dir <dir>', 'folder POST /api/runs reads job files from (default: the working directory)')
    .option(
      '--data-dir <dir>',
      'folder posted jobs may read seeds from, symbolic links resolved; repeatable (default: the jobs folder; env PARLEY_API_DATA_DIRS)',
      collect,
    )
    .option(
      '--output-root <dir>',
      'folder posted jobs may write releases under; repeatable (default: the jobs folder; env PARLEY_API_OUTPUT_ROOTS)',
      collect,
    )
    .option(
      '--model-allowlist <file>',
      'YAML list of model connections (provider, baseURL, key source) posted jobs may use (env PARLEY_API_MODEL_ALLOWLIST)',
    );
}

/**
 * The jobs folder and the policy for posted jobs, from the flags, else the environment
 * (PARLEY_API_DATA_DIRS and PARLEY_API_OUTPUT_ROOTS hold folders separated by the platform's
 * path delimiter, `:` here), else the defaults (the jobs folder; the default connections).
 */
export async function postedJobSettings(
  flags: PostedJobFlags,
  environment: NodeJS.ProcessEnv = process.env,
): Promise<{ jobsDirectory: string; policy: Partial<PostedJobPolicy> }> {
  const jobsDirectory = path.resolve(flags.jobsDir ?? process.cwd());
  const fromEnvironment = (name: string) =>
    environment[name]
      ?.split(path.delimiter)
      .map((entry) => entry.trim())
      .filter(Boolean);
  const dataRoots = flags.dataDir ?? fromEnvironment('PARLEY_API_DATA_DIRS');
  const outputRoots = flags.outputRoot ?? fromEnvironment('PARLEY_API_OUTPUT_ROOTS');
  const allowlistFile = flags.modelAllowlist ?? (environment.PARLEY_API_MODEL_ALLOWLIST || undefined);
  return {
    jobsDirectory,
    policy: {
      ...(dataRoots?.length ? { dataRoots: dataRoots.map((root) => path.resolve(root)) } : {}),
      ...(outputRoots?.length ? { outputRoots: outputRoots.map((root) => path.resolve(root)) } : {}),
      ...(allowlistFile ? { modelConnections: await loadModelAllowlist(allowlistFile) } : {}),
    },
  };
}
