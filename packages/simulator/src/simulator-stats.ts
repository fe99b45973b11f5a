/** What the simulator served and injected since it started (or since `resetStats()`). */
export interface SimulatorStats {
  startedAt: string;
  uptimeMs: number;
  requests: {
    total: number;
    /** `POST /v1/chat/completions` → count. */
    byRoute: Record<string, number>;
    /** HTTP status → count, for every response sent (hangs are not responses). */
    byStatus: Record<string, number>;
  };
  faults: {
    /** Injected 429s (the `rateLimited` fault). */
    rateLimited: number;
    /** 429s from the requests-per-minute limit. */
    requestsPerMinute: number;
    /** Injected 500 / 503. */
    serverError: number;
    /** 200s whose structured content was deliberately broken. */
    malformed: number;
    /** Requests left unanswered. */
    hang: number;
    /** 200s whose body stopped half-way and never finished. */
    stallAfterHeaders: number;
    /** 200s whose connection was reset half-way through the body. */
    resetMidBody: number;
    /** 401 wrong key, 404 unknown model, 400 refused sampling parameter, quota exhausted. */
    unauthorized: number;
    modelNotFound: number;
    unsupportedParameter: number;
    insufficientQuota: number;
    /** Answers shaped by a content fault. */
    refusal: number;
    refusalWithContent: number;
    contentFilter: number;
    truncated: number;
    /** Answers whose usage reports prompt-cache tokens. */
    promptCache: number;
    /** Answers with a `deprecation` header. */
    deprecated: number;
    /** 502s with an HTML body. */
    htmlErrorPage: number;
    /** Requests that waited for injected latency, and the total wait in ms. */
    delayed: number;
    delayMs: number;
  };
  tokens: { input: number; output: number };
  /** Hanging requests whose client has not disconnected yet. */
  hangsOpen: number;
}

/** Mutable counters behind `stats()`; snapshots are copies. */
export class StatsRecorder {
  private startedAt = Date.now();
  private total = 0;
  private byRoute = new Map<string, number>();
  private byStatus = new Map<string, number>();
  private tokensIn = 0;
  private tokensOut = 0;
  readonly faults: SimulatorStats['faults'] = emptyFaults();
  hangsOpen = 0;

  request(route: string): void {
    this.total++;
    this.byRoute.set(route, (this.byRoute.get(route) ?? 0) + 1);
  }

  response(status: number): void {
    const key = String(status);
    this.byStatus.set(key, (this.byStatus.get(key) ?? 0) + 1);
  }

  tokens(input: number, output: number): void {
    this.tokensIn += input;
    this.tokensOut += output;
  }

  reset(): void {
    this.startedAt = Date.now();
    this.total = 0;
    this.byRoute.clear();
    this.byStatus.clear();
    this.tokensIn = 0;
    this.tokensOut = 0;
    Object.assign(this.faults, emptyFaults());
    // Open hangs are still open: that count describes the present, not the past.
  }

  snapshot(): SimulatorStats {
    return {
      startedAt: new Date(this.startedAt).toISOString(),
      uptimeMs: Date.now() - this.startedAt,
      requests: {
        total: this.total,
        byRoute: Object.fromEntries(this.byRoute),
        byStatus: Object.fromEntries(this.byStatus),
      },
      faults: { ...this.faults },
      tokens: { input: this.tokensIn, output: this.tokensOut },
      hangsOpen: this.hangsOpen,
    };
  }
}

function emptyFaults(): SimulatorStats['faults'] {
  return {
    rateLimited: 0,
    requestsPerMinute: 0,
    serverError: 0,
    malformed: 0,
    hang: 0,
    stallAfterHeaders: 0,
    resetMidBody: 0,
    unauthorized: 0,
    modelNotFound: 0,
    unsupportedParameter: 0,
    insufficientQuota: 0,
    refusal: 0,
    refusalWithContent: 0,
    contentFilter: 0,
    truncated: 0,
    promptCache: 0,
    deprecated: 0,
    htmlErrorPage: 0,
    delayed: 0,
    delayMs: 0,
  };
}
