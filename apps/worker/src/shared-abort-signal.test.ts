import { getMaxListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { JOB_SIGNAL_MAX_LISTENERS, shareAbortSignal } from './shared-abort-signal';

describe('shareAbortSignal', () => {
  it('raises the leak-warning threshold of a job’s signal above what its concurrent calls add', () => {
    const plain = new AbortController().signal;
    // Node's default: an ordinary pairwise vote (5 policies × 2 orders + 1) crossed it.
    expect(getMaxListeners(plain)).toBe(10);
    const shared = shareAbortSignal(new AbortController().signal)!;
    expect(getMaxListeners(shared)).toBe(JOB_SIGNAL_MAX_LISTENERS);
    expect(JOB_SIGNAL_MAX_LISTENERS).toBeGreaterThan(10);
    expect(shareAbortSignal(undefined)).toBeUndefined();
  });
});
