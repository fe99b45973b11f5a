import { ParleyError } from '@parley/core';

/** A model binding needs an API key that is not set. Names where the key was looked for, never a value. */
export class MissingApiKeyError extends ParleyError {
  readonly modelName: string;
  /** `environment variable OPENAI_API_KEY` or `key file /run/secrets/openai`. */
  readonly source: string;

  constructor(modelName: string, source: string, detail = 'is not set') {
    super(
      `models.${modelName}: the API key ${detail} (looked in ${source}); set it in the environment of every worker process, never in the job file`,
      { code: 'MISSING_API_KEY', isRetryable: false },
    );
    this.modelName = modelName;
    this.source = source;
  }
}
