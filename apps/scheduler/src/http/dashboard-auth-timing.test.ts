import * as crypto from 'node:crypto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { authorizedScope } from './dashboard-auth';

// Counts the constant-time comparisons a check makes: how long a check takes must not tell which
// part of a credential was wrong, so every check makes the same comparisons.
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

const credentials = {
  user: 'operator',
  password: 'correct-horse-battery',
  token: 'tok-4f9c2a71e0b34d8d9a6b',
  readToken: 'read-7d1e0c9b55aa4f3e',
};
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

function comparisonsFor(header: string): number {
  vi.mocked(crypto.timingSafeEqual).mockClear();
  authorizedScope(header, credentials);
  return vi.mocked(crypto.timingSafeEqual).mock.calls.length;
}

describe('the time a credential check takes', () => {
  beforeEach(() => {
    vi.mocked(crypto.timingSafeEqual).mockClear();
  });

  it('does not depend on whether the user name matched', () => {
    const rightPair = comparisonsFor(basic(credentials.user, credentials.password));
    expect(rightPair).toBeGreaterThan(0);
    expect(comparisonsFor(basic('intruder', credentials.password))).toBe(rightPair);
    expect(comparisonsFor(basic(credentials.user, 'wrong-password'))).toBe(rightPair);
    expect(comparisonsFor(basic('intruder', 'wrong-password'))).toBe(rightPair);
    expect(comparisonsFor(basic('anyone', credentials.token))).toBe(rightPair);
  });

  it('does not depend on which bearer token matched', () => {
    const write = comparisonsFor(`Bearer ${credentials.token}`);
    expect(comparisonsFor(`Bearer ${credentials.readToken}`)).toBe(write);
    expect(comparisonsFor('Bearer not-a-token-at-all')).toBe(write);
  });
});
