/**
 * Failure categories: why a pair or candidate failed, in a handful of words a person can act on
 * and a metric label can carry. Counted per iteration in Redis (RunStore.settlePair) and shown
 * by the CLI, the dashboard and /metrics.
 *
 * `provider-error (<status> <type>)` keeps the HTTP status and, when the vendor named one, its
 * error type (`authentication_error`, `insufficient_quota`); a provider failure with no status
 * keeps the LLM layer's word for it (`provider-error (aborted)`); every other category is one
 * fixed word. Statuses, identifier-shaped types and those words keep the set small whatever
 * the reasons say.
 */
export type FailureCategory =
  | `provider-error (${string})`
  | 'unparseable'
  | 'truncated'
  | 'refused'
  | 'content-filtered'
  | 'timeout'
  | 'connection'
  | 'budget'
  | 'missing-key'
  | 'stalled'
  | 'other';

/** Only the start of a reason is read: labels and codes come first, quoted bodies after. */
const READ_CHARACTERS = 600;

// Labels the LLM layer puts at the start of a reason (after an optional `CODE: ` and
// `provider:model: `), e.g. `truncated: …`, `provider-error (429 insufficient_quota): …`,
// `provider-error (timeout): …` for a failure with no HTTP status, `budget-exceeded: …`.
const LABEL =
  /(?:^|: )(truncated|refused|content-filtered|unparseable|budget-exceeded|provider-error \((?:(\d{3})(?: ([A-Za-z0-9_.-]+))?|([a-z_]{1,30}))\))(?::|$)/;
const HTTP_STATUS = /\bHTTP (\d{3})\b/;
// Anthropic-style bodies name their error type: {"type":"error","error":{"type":"overloaded_error",…}}.
const BODY_TYPE = /"type":\s*"([A-Za-z0-9_]+)"/g;
const VENDOR_TYPE = /^[a-z][a-z0-9_]{0,39}$/;

/** Classifies a failure reason (a job's failedReason, a rejected line's `reason`). */
export function classifyFailure(reason: string): FailureCategory {
  const text = reason.slice(0, READ_CHARACTERS);
  const label = LABEL.exec(text);
  if (label) {
    if (label[2] !== undefined) return providerError(Number(label[2]), label[3]);
    if (label[4] !== undefined) return providerErrorWithoutStatus(label[4]);
    if (label[1] === 'budget-exceeded') return 'budget';
    return label[1] as FailureCategory;
  }
  if (/stalled more than allowable limit|missing lock for job|job stalled/i.test(text)) return 'stalled';
  if (/^BUDGET_EXCEEDED\b|\bbudget\.(maxCostUsd|maxTokens)\b.*exceeded/.test(text)) return 'budget';
  if (/^MISSING_API_KEY\b|the API key (is not set|is empty|cannot be read)/.test(text)) return 'missing-key';
  if (
    /^(LLM_STRUCTURED_OUTPUT|VERDICT_UNPARSEABLE)\b|no valid "[^"]*" object after|not valid JSON|does not match the schema|unparseable verdict/.test(
      text,
    )
  ) {
    return 'unparseable';
  }
  if (/^LLM_TIMEOUT\b|\btimed out\b|\bETIMEDOUT\b|\bTimeoutError\b/.test(text)) return 'timeout';
  const status = HTTP_STATUS.exec(text);
  if (status) return providerError(Number(status[1]), bodyType(text));
  if (
    /^LLM_CONNECTION\b|connection failed|\bECONN(REFUSED|RESET|ABORTED)\b|\bEPIPE\b|\bENOTFOUND\b|\bEAI_AGAIN\b|socket hang up|\bterminated\b|fetch failed|unreadable response/.test(
      text,
    )
  ) {
    return 'connection';
  }
  return 'other';
}

function providerError(status: number, type: string | undefined): FailureCategory {
  if (status < 100 || status > 599) return 'other';
  const shown = type !== undefined && VENDOR_TYPE.test(type) ? ` ${type}` : '';
  return `provider-error (${status}${shown})`;
}

/** `provider-error (timeout)` and `(connection)` are those categories; other kinds keep their word. */
function providerErrorWithoutStatus(kind: string): FailureCategory {
  if (kind === 'timeout') return 'timeout';
  if (kind === 'connection') return 'connection';
  return `provider-error (${kind})`;
}

/** The most specific error type a vendor body names (the last one that is not plain "error"). */
function bodyType(text: string): string | undefined {
  let found: string | undefined;
  for (const match of text.matchAll(BODY_TYPE)) if (match[1] !== 'error') found = match[1];
  return found;
}

/** Adds one failure per reason to a category → count map. */
export function countFailures(reasons: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const reason of reasons) {
    const category = classifyFailure(reason);
    counts[category] = (counts[category] ?? 0) + 1;
  }
  return counts;
}

/** Sums category → count maps (of several iterations). */
export function addFailureCounts(
  ...maps: ReadonlyArray<Readonly<Record<string, number>>>
): Record<string, number> {
  const total: Record<string, number> = {};
  for (const map of maps) {
    for (const [category, count] of Object.entries(map)) total[category] = (total[category] ?? 0) + count;
  }
  return total;
}

/** Categories by count, largest first (ties by name, so the order is stable). */
export function rankFailures(failures: Readonly<Record<string, number>>): Array<[string, number]> {
  return Object.entries(failures)
    .filter(([, count]) => count > 0)
    .sort(([a, countA], [b, countB]) => countB - countA || a.localeCompare(b));
}

/**
 * `40 × provider-error (401 authentication_error), 2 × unparseable`: the most common
 * categories, then how many failures the rest add up to. Empty when there is none.
 */
export function describeFailures(failures: Readonly<Record<string, number>>, shown = 3): string {
  const ranked = rankFailures(failures);
  const parts = ranked.slice(0, shown).map(([category, count]) => `${count} × ${category}`);
  const rest = ranked.slice(shown).reduce((sum, [, count]) => sum + count, 0);
  if (rest > 0) parts.push(`${rest} × other reasons`);
  return parts.join(', ');
}
