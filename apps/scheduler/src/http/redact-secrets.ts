import { scrubSecrets } from '@parley/core';

export interface RedactOptions {
  /** Longer strings are cut, with a note of how much was cut. @defaultValue no limit */
  maxStringLength?: number;
  /** Longer arrays keep their first items and a note. @defaultValue no limit */
  maxArrayItems?: number;
  /** Values nested deeper are replaced by a marker. @defaultValue 16 */
  maxDepth?: number;
  /** Secret values to scrub besides those registered with the logger (the dashboard's own). */
  secrets?: readonly string[];
}

export const REDACTED = '[REDACTED]';

// Keys whose value is a secret, matched on their ending: `apiKey`, `x-api-key`, `password`,
// `authToken`, `client_secret`. Plural counters (`inputTokens`, `maxTokens`) and the names of
// where a key lives (`apiKeyEnv`, `apiKeyFile`) are data, not secrets.
const SECRET_KEY = /(?:api[-_]?key|password|passwd|secret|authorization|cookie|token)$/i;

// user:password@ in any URL, key-like query parameters, and bearer tokens inside text.
const URL_USER_INFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]+@/gi;
const SECRET_QUERY_PARAMETER = /([?&](?:api[-_]?key|key|token|access_token|password|secret)=)[^&\s#"']+/gi;
const BEARER = /\b(bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi;

/** Scrubs secrets out of one string: registered secret values, URL credentials, bearer tokens. */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let result = scrubSecrets(text);
  for (const secret of secrets) {
    if (secret && result.includes(secret)) result = result.split(secret).join(REDACTED);
  }
  return result
    .replace(URL_USER_INFO, `$1${REDACTED}@`)
    .replace(SECRET_QUERY_PARAMETER, `$1${REDACTED}`)
    .replace(BEARER, `$1${REDACTED}`);
}

/**
 * A copy of a JSON-like value that is safe to show: secret-named keys blanked, every string
 * scrubbed, and (for job payloads) long strings and arrays trimmed so Bull Board stays fast.
 */
export function redactSecrets<T>(value: T, options: RedactOptions = {}): T {
  const settings = {
    maxStringLength: Number.POSITIVE_INFINITY,
    maxArrayItems: Number.POSITIVE_INFINITY,
    maxDepth: 16,
    secrets: [] as readonly string[],
    ...options,
  };
  const visit = (current: unknown, depth: number): unknown => {
    if (typeof current === 'string') return trimText(redactText(current, settings.secrets), settings);
    if (current === null || typeof current !== 'object') return current;
    if (depth >= settings.maxDepth) return '[… nested too deep]';
    if (Array.isArray(current)) {
      const kept = current.slice(0, settings.maxArrayItems).map((item) => visit(item, depth + 1));
      const dropped = current.length - kept.length;
      return dropped > 0 ? [...kept, `[… ${dropped} more items]`] : kept;
    }
    if (current instanceof Date) return current;
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(current)) {
      result[key] =
        SECRET_KEY.test(key) && item !== null && item !== undefined ? REDACTED : visit(item, depth + 1);
    }
    return result;
  };
  return visit(value, 0) as T;
}

function trimText(text: string, settings: { maxStringLength: number }): string {
  if (text.length <= settings.maxStringLength) return text;
  return `${text.slice(0, settings.maxStringLength)}… [${text.length - settings.maxStringLength} more characters]`;
}
