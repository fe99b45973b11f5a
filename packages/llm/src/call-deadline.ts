/** Why a deadline aborted a call; the adapter turns it into a retryable LLM_TIMEOUT. */
export class DeadlineExpired extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no complete answer within ${timeoutMs} ms`);
    this.name = 'DeadlineExpired';
  }
}

/**
 * One deadline for a whole provider call, body included. Both SDKs clear their own timeout as
 * soon as the response headers arrive, so a server that sends headers and then stalls would
 * hold the call forever. The deadline aborts the SDK's request through its signal (which also
 * ends the body read) and, should a body read ignore the abort, settles the call anyway.
 */
export async function withCallDeadline<T>(
  timeoutMs: number,
  callerSignal: AbortSignal | undefined,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<{ value: T } | { expired: true; cause: unknown }> {
  const controller = new AbortController();
  const signal = callerSignal ? AbortSignal.any([callerSignal, controller.signal]) : controller.signal;
  let expired = false;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => {});
  const timer = setTimeout(() => {
    expired = true;
    controller.abort(new DeadlineExpired(timeoutMs));
  }, timeoutMs);
  try {
    const pending = work(signal);
    // The loser of the race below must not become an unhandled rejection.
    pending.catch(() => {});
    return { value: await Promise.race([pending, aborted]) };
  } catch (error) {
    // The caller's own abort wins over an expiry at the same moment: it is not worth a retry.
    if (expired && !callerSignal?.aborted) return { expired: true, cause: error };
    throw error;
  } finally {
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}
