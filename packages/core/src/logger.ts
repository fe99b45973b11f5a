import { type Logger, type LoggerOptions, pino } from 'pino';
import pinoPretty from 'pino-pretty';

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
  /**
   * `json` (one object a line, for log shippers) or `pretty` (pino-pretty: UTC times, level
   * names, colour on a terminal). @defaultValue PARLEY_LOG_FORMAT, else pretty when standard
   * error is a terminal, else json
   */
  format?: LogFormat;
}

export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** The log format a process uses when none is given: PARLEY_LOG_FORMAT, else by terminal. */
export function defaultLogFormat(environment: NodeJS.ProcessEnv = process.env): LogFormat {
  const chosen = environment.PARLEY_LOG_FORMAT;
  if (chosen === 'json' || chosen === 'pretty') return chosen;
  return process.stderr.isTTY ? 'pretty' : 'json';
}

/** Human-readable lines: `[2026-12-04 20:57:01.123 UTC] WARN (worker): call-retried {...}`. */
export function prettyDestination(
  options: { destination?: number | NodeJS.WritableStream; colorize?: boolean } = {},
): pino.DestinationStream {
  return pinoPretty({
    destination: options.destination ?? 2,
    colorize: options.colorize ?? (process.stderr.isTTY === true && !process.env.NO_COLOR),
    translateTime: "UTC:yyyy-mm-dd HH:MM:ss.l 'UTC'",
    ignore: 'pid,hostname',
    singleLine: true,
    sync: false,
  });
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
    // ISO 8601 in UTC rather than epoch milliseconds: readable in any format.
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  const format = options.format ?? defaultLogFormat();
  const destination =
    options.destination ??
    (format === 'pretty' ? prettyDestination() : pino.destination({ fd: 2, sync: false }));
  return pino(loggerOptions, destination);
}
