/** Socket errors of a Redis that went away (restart, failover, network blip). */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTCONN',
  'EHOSTUNREACH',
]);

/** Redis replies that mean "not now" rather than "never": loading its AOF, a failover, a busy script. */
const TRANSIENT_REPLY = /^(LOADING|READONLY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN|BUSY)\b/;

/**
 * Whether an error only says Redis was briefly unavailable: ioredis aborting a pipeline or
 * transaction when the connection closed (it does not resend those), a closed connection, a
 * request that ran out of reconnection attempts, a socket error, or a transient reply. The
 * run's state is in Redis and every driver step is idempotent, so such an error must interrupt
 * a run (to be driven again once Redis is back), never fail it.
 */
export function isTransientRedisError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { name, message } = error;
  const code = (error as NodeJS.ErrnoException).code;
  if (name === 'AbortError' && /connection/i.test(message)) return true;
  if (name === 'MaxRetriesPerRequestError') return true;
  if (message === 'Connection is closed.' || /^Stream isn't writeable/.test(message)) return true;
  if (code !== undefined && CONNECTION_CODES.has(code)) return true;
  return name === 'ReplyError' && TRANSIENT_REPLY.test(message);
}
