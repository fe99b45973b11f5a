import { describe, expect, it } from 'vitest';
import { DEFAULT_JOB_LOCK_MS, jobLockMs } from './job-lock';

describe('jobLockMs', () => {
  it('takes the explicit value, else PARLEY_JOB_LOCK_MS, else BullMQ’s 30 s', () => {
    expect(jobLockMs(5_000, { PARLEY_JOB_LOCK_MS: '2000' })).toBe(5_000);
    expect(jobLockMs(undefined, { PARLEY_JOB_LOCK_MS: '2000' })).toBe(2_000);
    expect(jobLockMs(undefined, {})).toBe(DEFAULT_JOB_LOCK_MS);
    expect(jobLockMs(undefined, { PARLEY_JOB_LOCK_MS: ' ' })).toBe(DEFAULT_JOB_LOCK_MS);
  });

  it('rejects values a live process could not renew in time, naming the variable', () => {
    expect(() => jobLockMs(undefined, { PARLEY_JOB_LOCK_MS: '500' })).toThrow(
      /environment: PARLEY_JOB_LOCK_MS: expected a whole number of milliseconds ≥ 1000, got "500"/,
    );
    expect(() => jobLockMs(undefined, { PARLEY_JOB_LOCK_MS: 'soon' })).toThrow(/PARLEY_JOB_LOCK_MS/);
    expect(() => jobLockMs(2.5)).toThrow(/lockMs/);
  });
});
