/**
 * The slice of a pino logger the LLM layer uses. A pino `Logger` (from `createLogger` of
 * @parley/core) fits it as is; so does a test double.
 */
export interface CallLogger {
  child(bindings: Record<string, unknown>): CallLogger;
  debug(object: Record<string, unknown>, message: string): void;
  warn(object: Record<string, unknown>, message: string): void;
}
