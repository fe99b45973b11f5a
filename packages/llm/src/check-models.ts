import { ConfigError, type ConfigProblem, type RunConfig } from '@parley/core';
import { MissingApiKeyError } from './errors/missing-api-key-error';
import { resolveApiKey } from './resolve-api-key';
import { baseUrlProblem, resolveBaseUrl } from './resolve-base-url';
import { redactUrl } from './vendor-error';

export interface CheckModelsOptions {
  /** URL of a running simulator; without one, `simulator` bindings are fine (the CLI starts one). */
  simulatorUrl?: string;
  /** Report a `simulator` binding with no URL at all (a detached run has nobody to start one). @defaultValue false */
  requireSimulatorUrl?: boolean;
  /** Relative `apiKeyFile` paths start here. @defaultValue process.cwd() */
  baseDirectory?: string;
}

/**
 * Preflight of a job's models, offline and without side effects on Redis: every missing API
 * key, unreadable key file and bad base URL, all at once, so a job fails before anything is
 * enqueued. Returns the problems (empty when all is well); `assertModels` throws them.
 */
export function checkModels(
  config: RunConfig,
  environment: NodeJS.ProcessEnv = process.env,
  options: CheckModelsOptions = {},
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const [name, model] of Object.entries(config.models)) {
    try {
      resolveApiKey(name, model, environment, options.baseDirectory);
    } catch (error) {
      if (!(error instanceof MissingApiKeyError)) throw error;
      problems.push({
        path: `models.${name}.${model.apiKeyFile ? 'apiKeyFile' : 'apiKeyEnv'}`,
        message: error.message.replace(/^models\.[^:]+: /, ''),
      });
    }
    const url = resolveBaseUrl(model, environment, options.simulatorUrl);
    if (url === undefined) {
      if (model.provider !== 'simulator' || options.requireSimulatorUrl) {
        problems.push({
          path: `models.${name}.baseURL`,
          message:
            model.provider === 'simulator'
              ? 'no simulator URL: set baseURL or PARLEY_SIMULATOR_URL to a running simulator'
              : `${model.provider} needs a baseURL`,
        });
      }
    } else {
      const problem = baseUrlProblem(model.provider, url);
      if (problem)
        problems.push({ path: `models.${name}.baseURL`, message: `${redactUrl(url)}: ${problem}` });
    }
  }
  const embedding = config.personas.embedding;
  if (embedding !== 'offline' && config.models[embedding]?.provider === 'anthropic') {
    problems.push({
      path: 'personas.embedding',
      message: `model "${embedding}" is an anthropic model, which serves no embeddings`,
    });
  }
  return problems;
}

/** `checkModels`, throwing one ConfigError that lists every problem. */
export function assertModels(
  config: RunConfig,
  environment: NodeJS.ProcessEnv = process.env,
  options: CheckModelsOptions = {},
): void {
  const problems = checkModels(config, environment, options);
  if (problems.length > 0) throw new ConfigError(problems, 'models');
}
