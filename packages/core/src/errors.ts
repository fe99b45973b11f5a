/**
 * Parley's typed errors. `isRetryable` is decided once, where the error is made, and every
 * retry loop (the LLM layer, the BullMQ worker) reads it instead of guessing from messages.
 */
export class ParleyError extends Error {
  readonly code: string;
  readonly isRetryable: boolean;

  constructor(message: string, options: { code: string; isRetryable?: boolean; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code;
    this.isRetryable = options.isRetryable ?? false;
  }
}

/** One problem in a config file, located by path and, when known, by line. */
export interface ConfigProblem {
  /** Dotted config path, e.g. `critic.models.faithfulness`; empty for the whole file. */
  path: string;
  message: string;
  /** 1-based line in the source file, when the file was YAML or JSON text. */
  line?: number;
}

/** A job file or environment that cannot start a run. Lists every problem, not the first only. */
export class ConfigError extends ParleyError {
  readonly problems: ConfigProblem[];
  readonly source: string | undefined;

  constructor(problems: ConfigProblem[], source?: string) {
    super(formatProblems(problems, source), { code: 'CONFIG_INVALID' });
    this.problems = problems;
    this.source = source;
  }
}

function formatProblems(problems: ConfigProblem[], source: string | undefined): string {
  const describe = (problem: ConfigProblem) => {
    const where = problem.line !== undefined && source ? `${source}:${problem.line} ` : '';
    const path = problem.path ? `${problem.path}: ` : '';
    return `${where}${path}${problem.message}`;
  };
  // One problem is one line: `job.yaml:5 iterations: expected a positive integer, got "three"`.
  if (problems.length === 1) {
    const only = problems[0]!;
    const line = describe(only);
    return only.line !== undefined && source ? line : `${source ?? 'config'}: ${line}`;
  }
  const header = `${source ?? 'config'}: ${problems.length} problems`;
  return [header, ...problems.map((problem) => `  ${describe(problem)}`)].join('\n');
}

/** Bad input data (a seed file, a job payload): carries where it was found. */
export class InputError extends ParleyError {
  readonly location: string;

  constructor(location: string, reason: string, options: { code?: string; cause?: unknown } = {}) {
    super(`${location}: ${reason}`, { code: options.code ?? 'INPUT_INVALID', cause: options.cause });
    this.location = location;
  }
}

export function isRetryable(error: unknown): boolean {
  return error instanceof ParleyError ? error.isRetryable : true;
}
