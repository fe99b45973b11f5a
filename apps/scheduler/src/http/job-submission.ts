import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  ConfigError,
  type ConfigProblem,
  ID_PATTERN,
  InputError,
  jobTextLineLocator,
  parseRunConfig,
  type RunConfig,
  type RunRecord,
  type RunStore,
} from '@parley/core';
import { z } from 'zod';
import { createRun, preflightJob } from '../create-run';
import { resolveJobPaths } from '../job-paths';
import { resolveInsideRoots } from './path-roots';
import { type PostedJobPolicy, postedJobProblems } from './posted-job-policy';

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
  /**
   * What a submitted job may reach: data folders, output roots, model connections.
   * @defaultValue the jobs directory for both, the default model connections
   */
  policy?: Partial<PostedJobPolicy>;
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
  let text: string;
  try {
    if (submission.jobFile !== undefined) {
      jobFile = await jobFileInside(jobsDirectory, submission.jobFile);
      text = await readFile(jobFile, 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw new JobSubmissionError(400, 'invalid job file', [
          { path: 'jobFile', message: `cannot read ${submission.jobFile} (${error.code ?? 'error'})` },
        ]);
      });
    } else {
      // Posted text has no folder of its own: its relative paths start at the jobs directory.
      jobFile = path.join(jobsDirectory, 'submitted-job.yaml');
      text = submission.job ?? '';
    }
  } catch (error) {
    throw asSubmissionError(error, 'invalid job file');
  }
  const source = submission.jobFile !== undefined ? jobFile : 'job';
  let config: RunConfig;
  try {
    config = resolveJobPaths(parseRunConfig(text, source), jobFile);
  } catch (error) {
    throw asSubmissionError(error, 'invalid job file');
  }
  // A submitted job is untrusted input: what it may reach is checked before anything reads,
  // probes or writes on its behalf.
  const policy: PostedJobPolicy = {
    dataRoots: options.policy?.dataRoots ?? [jobsDirectory],
    outputRoots: options.policy?.outputRoots ?? [jobsDirectory],
    modelConnections: options.policy?.modelConnections,
  };
  const refused = await postedJobProblems(config, policy, jobTextLineLocator(text));
  if (refused.length > 0)
    throw asSubmissionError(new ConfigError(refused, source), 'the job is not allowed here');
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

/** The job file, resolved (symbolic links included) inside the jobs directory. */
async function jobFileInside(jobsDirectory: string, given: string): Promise<string> {
  const refuse = (message: string) =>
    new JobSubmissionError(400, 'job file not allowed', [{ path: 'jobFile', message }]);
  const resolved = await resolveInsideRoots(path.resolve(jobsDirectory, given), [jobsDirectory], {
    mustExist: true,
  });
  if (!resolved.ok && resolved.refusal === 'outside')
    throw refuse(`must lie inside the jobs directory ${jobsDirectory}`);
  if (!resolved.ok && resolved.refusal === 'symlink-escape')
    throw refuse('leads outside the jobs directory through a symbolic link');
  if (!JOB_FILE_EXTENSIONS.has(path.extname(given).toLowerCase()))
    throw refuse('expected a .yaml, .yml or .json file');
  if (!resolved.ok)
    throw new JobSubmissionError(404, 'no such job file', [
      { path: 'jobFile', message: `${given} does not exist` },
    ]);
  return resolved.realPath;
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
