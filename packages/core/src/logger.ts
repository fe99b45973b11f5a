import { type Logger, type LoggerOptions, pino } from 'pino';

/**
 * Paths pino removes from every log line. pino's wildcards match one level only, so deep
 * paths are listed one by one.
 */
export const REDACTED_PATHS = [
  'apiKey',
  '*.apiKey',
  '*.*.apiKey',
  '*.*.*.apiKey',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'headers["x-api-key"]',
  '*.headers["x-api-key"]',
  'password',
  '*.password',
  'token',
  '*.token',
  'config.models.*.apiKey',
  'job.data.apiKey',
];

const knownSecrets = new Set<string>();

/**
 * Registers a secret value (an API key read from the environment or a key file) so that it is
 * scrubbed from every log line even if it turns up somewhere no path names: in an error
 * message, a URL, a vendor's response body.
 */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 8) knownSecrets.add(value);
}

/** Replaces every registered secret in a string. */
export function scrubSecrets(text: string): string {
  let result = text;
  for (const secret of knownSecrets) {
    if (result.includes(secret)) result = result.split(secret).join('[REDACTED]');
  }
  return result;
}

/** Registers the provider keys Parley itself reads from the environment. */
export function registerEnvironmentSecrets(environment: NodeJS.ProcessEnv = process.env): void {
  for (const [name, value] of Object.entries(environment)) {
    if (/(_API_KEY|_TOKEN|_SECRET|PASSWORD)$/.test(name)) registerSecret(value);
  }
}

export interface LoggerFactoryOptions {
  /** @defaultValue PARLEY_LOG_LEVEL or 'info' */
  level?: string;
  /** Process role shown in every line (`worker`, `scheduler`, `cli`). */
  name?: string;
  /** Where lines go. @defaultValue standard error, so standard output stays for results */
  destination?: pino.DestinationStream;
}

/** One root logger per process; jobs take `logger.child({ run, queue, jobId, stage, model })`. */
export function createLogger(options: LoggerFactoryOptions = {}): Logger {
  registerEnvironmentSecrets();
  const loggerOptions: LoggerOptions = {
    name: options.name,
    level: options.level ?? process.env.PARLEY_LOG_LEVEL ?? 'info',
    redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
    serializers: { err: pino.stdSerializers.err },
    hooks: { streamWrite: scrubSecrets },
  };
  return pino(loggerOptions, options.destination ?? pino.destination({ fd: 2, sync: false }));
}
