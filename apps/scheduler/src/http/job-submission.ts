import path from 'node:path';
import {
  ConfigError,
  type ConfigProblem,
  ID_PATTERN,
  InputError,
  loadRunConfig,
  parseRunConfig,
  type RunConfig,
  type RunRecord,
  type RunStore,
} from '@parley/core';
import { z } from 'zod';
import { createRun, preflightJob } from '../create-run';
import { resolveJobPaths } from '../job-paths';

/** POST /api/runs: the job file's text, or the path of a job file on the scheduler's disk. */
export const jobSubmissionSchema = z
  .strictObject({
    /** YAML or JSON text of a job file. Relative paths in it start at the jobs directory. */
    job: z.string().min(1).max(1_000_000).optional(),
    /** A job file under the jobs directory (relative to it, or absolute inside it). */
    jobFile: z.string().min(1).max(4_096).optional(),
    /** Run id; default `<name>-<timestamp>-<random>`. */
    runId: z.string().regex(ID_PATTERN, { error: 'expected 1–120 letters, digits, - and _' }).optional(),
  })
  .refine((body) => (body.job === undefined) !== (body.jobFile === undefined), {
    error: 'give exactly one of "job" (the job file text) or "jobFile" (a path on the scheduler)',
  });
export type JobSubmission = z.infer<typeof jobSubmissionSchema>;

/** A submission that cannot become a run: the HTTP status and every problem found. */
export class JobSubmissionError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
    readonly problems: ConfigProblem[],
  ) {
    super(message);
    this.name = 'JobSubmissionError';
  }
}

export interface JobSubmissionOptions {
  store: RunStore;
  /** Where `jobFile` must lie and where relative paths of posted job text start. */
  jobsDirectory: string;
  environment: NodeJS.ProcessEnv;
  /** Simulator for `provider: simulator` bindings; else PARLEY_SIMULATOR_URL. */
  simulatorUrl?: string;
}

const JOB_FILE_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/**
 * Validates a submitted job like `parley run --detach` does (the job file, then preflight:
 * output folder, models and keys, seed) and registers the run for a scheduler to drive.
 * Nothing is created unless every check passes.
 */
export async function submitJob(body: unknown, options: JobSubmissionOptions): Promise<RunRecord> {
  const parsed = jobSubmissionSchema.safeParse(body ?? {});
  if (!parsed.success) {
    throw new JobSubmissionError(
      400,
      'invalid request body',
      parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    );
  }
  const submission = parsed.data;
  const jobsDirectory = path.resolve(options.jobsDirectory);
  let jobFile: string;
  let config: RunConfig;
  try {
    if (submission.jobFile !== undefined) {
      jobFile = jobFileInside(jobsDirectory, submission.jobFile);
      config = await loadRunConfig(jobFile);
    } else {
      // Posted text has no folder of its own: its relative paths start at the jobs directory.
      jobFile = path.join(jobsDirectory, 'submitted-job.yaml');
      config = parseRunConfig(submission.job ?? '', 'job');
    }
  } catch (error) {
    throw asSubmissionError(error, 'invalid job file');
  }
  config = resolveJobPaths(config, jobFile);
  const simulatorUrl = options.simulatorUrl ?? options.environment.PARLEY_SIMULATOR_URL;
  try {
    await preflightJob(config, {
      environment: options.environment,
      simulatorUrl,
      requireSimulatorUrl: true,
      jobFile,
      baseDirectory: path.dirname(jobFile),
    });
  } catch (error) {
    throw asSubmissionError(error, 'the job cannot run');
  }
  try {
    return await createRun(options.store, config, { runId: submission.runId, simulatorUrl });
  } catch (error) {
    if (error instanceof InputError)
      throw new JobSubmissionError(409, error.message, [{ path: 'runId', message: error.message }]);
    throw error;
  }
}

function jobFileInside(jobsDirectory: string, given: string): string {
  const file = path.resolve(jobsDirectory, given);
  const relative = path.relative(jobsDirectory, file);
  if (relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new JobSubmissionError(400, 'job file outside the jobs directory', [
      { path: 'jobFile', message: `must lie inside the jobs directory ${jobsDirectory}` },
    ]);
  }
  if (!JOB_FILE_EXTENSIONS.has(path.extname(file).toLowerCase())) {
    throw new JobSubmissionError(400, 'not a job file', [
      { path: 'jobFile', message: 'expected a .yaml, .yml or .json file' },
    ]);
  }
  return file;
}

function asSubmissionError(error: unknown, message: string): JobSubmissionError {
  if (error instanceof JobSubmissionError) return error;
  if (error instanceof ConfigError) {
    const where = error.source && error.source !== 'job' ? error.source : undefined;
    return new JobSubmissionError(
      400,
      message,
      error.problems.map((problem) => ({
        ...problem,
        message:
          where && problem.line !== undefined
            ? `${problem.message} (${where}:${problem.line})`
            : problem.message,
      })),
    );
  }
  if (error instanceof InputError) {
    return new JobSubmissionError(400, message, [{ path: 'seed.path', message: error.message }]);
  }
  throw error;
}
