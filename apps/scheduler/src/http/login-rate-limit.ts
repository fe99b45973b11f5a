import { z } from 'zod';

export const loginRateLimitSchema = z.strictObject({
  /** Failed logins an address may make within the window before it is refused. */
  maxFailures: z.number().int().min(1),
  /** How far back failures count, in ms. */
  windowMs: z.number().int().min(1),
  /** Addresses remembered at once; beyond it the oldest are forgotten first. */
  maxAddresses: z.number().int().min(1),
});

export type LoginRateLimitSettings = z.infer<typeof loginRateLimitSchema>;

/**
 * 10 failed logins per address per minute: a person who mistypes a password never meets it,
 * while guessing a token slows to 14,400 tries a day per address.
 */
export const DEFAULT_LOGIN_RATE_LIMIT: LoginRateLimitSettings = {
  maxFailures: 10,
  windowMs: 60_000,
  maxAddresses: 10_000,
};

/**
 * Counts failed logins per client address in a sliding window, in memory. Once an address has
 * failed `maxFailures` times within `windowMs`, it is refused until its oldest failure in the
 * window has aged out. Successful logins neither count nor clear anything, so a browser tab that
 * refreshes every two seconds or a Prometheus scrape is never limited.
 */
export class LoginRateLimiter {
  readonly settings: LoginRateLimitSettings;
  // Times of recent failures per address, oldest first; Map order is insertion order.
  private readonly failures = new Map<string, number[]>();
  private readonly now: () => number;

  constructor(settings: Partial<LoginRateLimitSettings> = {}, now: () => number = Date.now) {
    const parsed = loginRateLimitSchema.safeParse({ ...DEFAULT_LOGIN_RATE_LIMIT, ...settings });
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
      throw new RangeError(`loginRateLimit: ${problems.join('; ')}`);
    }
    this.settings = parsed.data;
    this.now = now;
  }

  /** How long the address must wait before its next login attempt counts, in ms; 0 when it may try now. */
  retryAfterMs(address: string): number {
    const recent = this.recentFailures(address);
    if (recent.length < this.settings.maxFailures) return 0;
    const oldest = recent[recent.length - this.settings.maxFailures] ?? this.now();
    return Math.max(1, oldest + this.settings.windowMs - this.now());
  }

  /** Notes one failed login of the address. */
  recordFailure(address: string): void {
    const recent = this.recentFailures(address);
    recent.push(this.now());
    // Only the newest maxFailures decide anything.
    if (recent.length > this.settings.maxFailures)
      recent.splice(0, recent.length - this.settings.maxFailures);
    this.failures.delete(address);
    this.failures.set(address, recent);
    if (this.failures.size > this.settings.maxAddresses) this.forgetOldest();
  }

  /** Addresses with failures still in the window (for tests and diagnostics). */
  get trackedAddresses(): number {
    return this.failures.size;
  }

  private recentFailures(address: string): number[] {
    const since = this.now() - this.settings.windowMs;
    const recent = (this.failures.get(address) ?? []).filter((time) => time > since);
    if (recent.length === 0) this.failures.delete(address);
    return recent;
  }

  // Expired entries first; if every entry is live, the address that failed least recently goes.
  private forgetOldest(): void {
    const since = this.now() - this.settings.windowMs;
    for (const [address, times] of this.failures) {
      if ((times.at(-1) ?? 0) <= since) this.failures.delete(address);
    }
    while (this.failures.size > this.settings.maxAddresses) {
      const oldest = this.failures.keys().next().value;
      if (oldest === undefined) break;
      this.failures.delete(oldest);
    }
  }
}
