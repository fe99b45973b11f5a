import type { ConfigProblem, RunConfig } from '@parley/core';
import {
  DEFAULT_MODEL_CONNECTIONS,
  type ModelConnection,
  modelConnectionProblems,
} from './model-connection-allowlist';
import { type PathRefusal, resolveInsideRoots } from './path-roots';

/**
 * What a job that arrives through the run API may reach on the server's side. Everything here
 * comes from the operator (command-line flags or environment), never from the job.
 */
export interface PostedJobPolicy {
  /** Folders seeds and simulator text sources must resolve into, symbolic links followed. */
  dataRoots: readonly string[];
  /** Folders `output.dir` must resolve into. */
  outputRoots: readonly string[];
  /** Model connections a job may use. @defaultValue DEFAULT_MODEL_CONNECTIONS */
  modelConnections?: readonly ModelConnection[];
}

const DATA_WORDS = { what: 'data folders', flag: '--data-dir' };
const OUTPUT_WORDS = { what: 'output roots', flag: '--output-root' };

/**
 * Every way a posted job (paths already absolute) reaches beyond what the operator allowed:
 * model connections off the allow-list, a seed or text source outside the data folders, an
 * output folder outside the output roots. Paths outside are refused before the file system is
 * asked anything about them, and no message quotes a file.
 */
export async function postedJobProblems(
  config: RunConfig,
  policy: PostedJobPolicy,
  lineOf: (path: PropertyKey[]) => number | undefined = () => undefined,
): Promise<ConfigProblem[]> {
  const problems = modelConnectionProblems(
    config,
    policy.modelConnections ?? DEFAULT_MODEL_CONNECTIONS,
    lineOf,
  );
  const checks: Array<{
    path: string[];
    value: string | undefined;
    roots: readonly string[];
    mustExist: boolean;
    words: typeof DATA_WORDS;
  }> = [
    {
      path: ['seed', 'path'],
      value: config.seed.path,
      roots: policy.dataRoots,
      mustExist: true,
      words: DATA_WORDS,
    },
    {
      path: ['simulator', 'textSource'],
      value: config.simulator.textSource,
      roots: policy.dataRoots,
      mustExist: true,
      words: DATA_WORDS,
    },
    {
      path: ['output', 'dir'],
      value: config.output.dir,
      roots: policy.outputRoots,
      mustExist: false,
      words: OUTPUT_WORDS,
    },
  ];
  for (const check of checks) {
    if (check.value === undefined) continue;
    const result = await resolveInsideRoots(check.value, check.roots, { mustExist: check.mustExist });
    if (result.ok) continue;
    problems.push({
      path: check.path.join('.'),
      line: lineOf(check.path),
      message: refusalMessage(result.refusal, check.value, check.words),
    });
  }
  return problems;
}

function refusalMessage(refusal: PathRefusal, given: string, words: typeof DATA_WORDS): string {
  switch (refusal) {
    case 'outside':
      return `${given} is outside the ${words.what} this server allows for posted jobs (the operator sets them with ${words.flag})`;
    case 'symlink-escape':
      return `${given} leads outside the ${words.what} through a symbolic link`;
    case 'missing':
      return `${given} does not exist`;
  }
}
