import { setMaxListeners } from 'node:events';

/**
 * How many listeners a job's abort signal may carry before Node warns. One job makes many
 * LLM calls at once (the Critic's pairwise vote: policies × orders), and the provider SDKs add
 * a listener to the signal per request and remove it after; above Node's default of 10 that
 * printed "MaxListenersExceededWarning: Possible EventTarget memory leak" for a normal vote.
 * A real leak still shows, above this.
 */
export const JOB_SIGNAL_MAX_LISTENERS = 200;

/** Lets one job's signal be shared by its concurrent calls without a false leak warning. */
export function shareAbortSignal(signal: AbortSignal | undefined): AbortSignal | undefined {
  if (signal) setMaxListeners(JOB_SIGNAL_MAX_LISTENERS, signal);
  return signal;
}
