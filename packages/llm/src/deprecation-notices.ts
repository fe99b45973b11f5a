import type { CallLogger } from './middleware/call-logger';

// Process-wide: one notice per model and text, however many adapters and calls there are.
const announced = new Set<string>();

/**
 * Says once, through our logger, that a model is deprecated: from the SDK's own console
 * warning (the Anthropic SDK prints one per call for models it knows are deprecated) or from
 * a `deprecation` response header. Without a logger the notice goes to stderr, still once.
 */
export function announceDeprecation(
  logger: CallLogger | undefined,
  modelId: string,
  notice: string,
  source: 'sdk' | 'header',
): void {
  const key = `${modelId}\u0000${notice}`;
  if (announced.has(key)) return;
  announced.add(key);
  if (logger) logger.warn({ model: modelId, source, notice }, 'model is deprecated');
  else process.stderr.write(`parley: ${modelId} is deprecated: ${notice}\n`);
}

/**
 * Runs the synchronous start of an SDK call with `console.warn` captured, so that the SDK's
 * deprecation lines go to our logger instead of the console. Only the synchronous part is
 * captured (where the SDK warns); nothing else can run in between.
 */
export function captureConsoleWarnings<T>(start: () => T): { value: T; warnings: string[] } {
  const original = console.warn;
  const warnings: string[] = [];
  console.warn = (...parts: unknown[]) => {
    warnings.push(parts.map(String).join(' '));
  };
  try {
    return { value: start(), warnings };
  } finally {
    console.warn = original;
  }
}

/** The `deprecation` (RFC 9745) and `sunset` headers of a response, as one notice; undefined when absent. */
export function deprecationHeaderNotice(headers: { get(name: string): string | null }): string | undefined {
  const deprecation = headers.get('deprecation');
  if (deprecation === null) return undefined;
  const sunset = headers.get('sunset');
  return `deprecation: ${deprecation}${sunset ? `, sunset: ${sunset}` : ''}`;
}

/** Forgets what was announced (tests). */
export function resetDeprecationNotices(): void {
  announced.clear();
}
