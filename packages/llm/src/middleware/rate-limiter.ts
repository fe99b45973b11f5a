import { randomUUID } from 'node:crypto';
import type { ModelLimits } from '@parley/core';
import { redisKey } from '@parley/core';
import { LocalWaitingLine } from './local-waiting-line';
import { type RedisClient, RedisScript } from './redis-script';

/** Additive-increase / multiplicative-decrease of the allowed rate after 429s. */
export interface AimdOptions {
  /** The allowed fraction is multiplied by this on a 429. @defaultValue 0.5 */
  decreaseFactor: number;
  /** Added to the allowed fraction after each successful call, up to 1. @defaultValue 0.05 */
  increaseStep: number;
  /** The allowed fraction never drops below this (and every limit stays at least 1). @defaultValue 0.1 */
  minimumFactor: number;
  /** 429s within this long of a decrease count as the same burst: one decrease, not twenty. @defaultValue 1000 */
  decreaseCooldownMs: number;
}

export interface RateLimiterOptions {
  /** Length of the window the per-minute limits apply to; tests shorten it. @defaultValue 60000 */
  windowMs: number;
  /** A concurrency lease outlives the call's timeout by this much, then frees itself (a killed process leaks nothing). @defaultValue 5000 */
  leaseMarginMs: number;
  /** Longest sleep between checks while waiting for a concurrency slot. @defaultValue 50 */
  pollIntervalMs: number;
  aimd: AimdOptions;
  /** Called once per admitted call (metrics: how long calls wait for the limiter). */
  onAdmit?: (event: { limiterId: string; permit: RatePermit }) => void;
}

export const DEFAULT_RATE_LIMITER_OPTIONS: RateLimiterOptions = {
  windowMs: 60_000,
  leaseMarginMs: 5_000,
  pollIntervalMs: 50,
  aimd: { decreaseFactor: 0.5, increaseStep: 0.05, minimumFactor: 0.1, decreaseCooldownMs: 1_000 },
};

interface AcquireRequest {
  id: string;
  inputTokens: number;
  outputTokens: number;
  leaseMs: number;
  started: number;
}

/** What an admitted call holds until `release`. */
export interface RatePermit {
  id: string;
  inputTokens: number;
  outputTokens: number;
  /** Redis clock (ms) at admission: every process reads the same clock. */
  admittedAt: number;
  /** How long `acquire` waited. */
  waitedMs: number;
  /**
   * False when releasing a successful call would change nothing: no concurrency lease or token
   * reservation was taken and the AIMD factor was at 1. Absent means true.
   */
  releaseNeeded?: boolean;
}

export type RateOutcome =
  | { kind: 'ok'; inputTokens: number; outputTokens: number }
  | { kind: 'rate-limited'; retryAfterMs?: number }
  | { kind: 'failed' };

export interface RateLimiterState {
  /** Fraction of the configured limits currently allowed (AIMD), in (0, 1]. */
  factor: number;
  /** Redis time (ms) before which no call starts, set by a 429's retry-after; 0 when none. */
  pausedUntil: number;
  /** 429s reported to this limiter. */
  rateLimited: number;
  inFlight: number;
  requestsInWindow: number;
  inputTokensInWindow: number;
  outputTokensInWindow: number;
}

// Sliding-window logs (sorted sets scored by admission time) rather than token buckets: a
// bucket admits up to twice its rate in one window after idling, a log never more than the
// limit in any window. Token entries are `id|amount`; running totals live in the state hash.
const SHARED_LUA = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local function amountOf(member)
  return tonumber(string.match(member, '|(%d+)$')) or 0
end
local function setTotal(field, value)
  if value < 0 then value = 0 end
  redis.call('HSET', KEYS[5], field, value)
  return value
end
`;

const ACQUIRE_LUA = `${SHARED_LUA}
local id = ARGV[1]
local window = tonumber(ARGV[2])
local rpm = tonumber(ARGV[3])
local inputLimit = tonumber(ARGV[4])
local outputLimit = tonumber(ARGV[5])
local concurrency = tonumber(ARGV[6])
local inputAmount = tonumber(ARGV[7])
local outputAmount = tonumber(ARGV[8])
local leaseMs = tonumber(ARGV[9])
local pollMs = tonumber(ARGV[10])
local ttl = tonumber(ARGV[11])

local factor = tonumber(redis.call('HGET', KEYS[5], 'factor') or '1')
local pausedUntil = tonumber(redis.call('HGET', KEYS[5], 'pausedUntil') or '0')
if pausedUntil > now then return {0, pausedUntil - now, now, 'paused'} end

local function scaled(limit)
  local value = math.floor(limit * factor)
  if value < 1 then value = 1 end
  return value
end

local function expireTokens(key, field)
  local old = redis.call('ZRANGEBYSCORE', key, '-inf', now - window)
  local total = tonumber(redis.call('HGET', KEYS[5], field) or '0')
  if #old > 0 then
    local freed = 0
    for _, member in ipairs(old) do freed = freed + amountOf(member) end
    redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
    total = setTotal(field, total - freed)
  end
  return total
end

local function tokenWait(key, field, limit, amount)
  if limit <= 0 then return 0 end
  local total = expireTokens(key, field)
  local allowed = scaled(limit)
  -- An empty window admits even a call larger than the whole limit, or it would never run.
  if total <= 0 or total + amount <= allowed then return 0 end
  local need = total + amount - allowed
  local members = redis.call('ZRANGE', key, 0, -1, 'WITHSCORES')
  local freed = 0
  for index = 1, #members, 2 do
    freed = freed + amountOf(members[index])
    if freed >= need then return tonumber(members[index + 1]) + window - now end
  end
  return tonumber(members[#members]) + window - now
end

if concurrency > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now)
  if redis.call('ZCARD', KEYS[4]) >= scaled(concurrency) then
    local first = redis.call('ZRANGE', KEYS[4], 0, 0, 'WITHSCORES')
    local wait = tonumber(first[2]) - now
    if wait > pollMs then wait = pollMs end
    return {0, wait, now, 'concurrency'}
  end
end
if rpm > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
  local allowed = scaled(rpm)
  local count = redis.call('ZCARD', KEYS[1])
  if count >= allowed then
    local entry = redis.call('ZRANGE', KEYS[1], count - allowed, count - allowed, 'WITHSCORES')
    return {0, tonumber(entry[2]) + window - now, now, 'requests'}
  end
end
local wait = tokenWait(KEYS[2], 'inputTotal', inputLimit, inputAmount)
if wait > 0 then return {0, wait, now, 'input-tokens'} end
wait = tokenWait(KEYS[3], 'outputTotal', outputLimit, outputAmount)
if wait > 0 then return {0, wait, now, 'output-tokens'} end

if rpm > 0 then redis.call('ZADD', KEYS[1], now, id) end
if inputLimit > 0 and inputAmount > 0 then
  redis.call('ZADD', KEYS[2], now, id .. '|' .. inputAmount)
  redis.call('HINCRBY', KEYS[5], 'inputTotal', inputAmount)
end
if outputLimit > 0 and outputAmount > 0 then
  redis.call('ZADD', KEYS[3], now, id .. '|' .. outputAmount)
  redis.call('HINCRBY', KEYS[5], 'outputTotal', outputAmount)
end
if concurrency > 0 then redis.call('ZADD', KEYS[4], now + leaseMs, id) end
if rpm > 0 or inputLimit > 0 or outputLimit > 0 or concurrency > 0 then
  -- One expiry for all five keys, so the running totals never outlive (or die before) their logs.
  for index = 1, 5 do redis.call('PEXPIRE', KEYS[index], ttl) end
end
return {1, 0, now, 'ok', tostring(factor)}
`;

const RELEASE_LUA = `${SHARED_LUA}
local id = ARGV[1]
local reservedInput = tonumber(ARGV[2])
local actualInput = tonumber(ARGV[3])
local reservedOutput = tonumber(ARGV[4])
local actualOutput = tonumber(ARGV[5])
local outcome = ARGV[6]
local retryAfter = tonumber(ARGV[7])
local decrease = tonumber(ARGV[8])
local increase = tonumber(ARGV[9])
local minimum = tonumber(ARGV[10])
local cooldown = tonumber(ARGV[11])
local ttl = tonumber(ARGV[12])

redis.call('ZREM', KEYS[4], id)

-- Replace a reservation by the amount actually used, keeping its admission time.
local function settle(key, field, reserved, actual)
  if reserved == actual or reserved <= 0 then return end
  local member = id .. '|' .. reserved
  local score = redis.call('ZSCORE', key, member)
  if not score then return end
  redis.call('ZREM', key, member)
  if actual > 0 then redis.call('ZADD', key, score, id .. '|' .. actual) end
  setTotal(field, tonumber(redis.call('HGET', KEYS[5], field) or '0') + actual - reserved)
end
if actualInput >= 0 then settle(KEYS[2], 'inputTotal', reservedInput, actualInput) end
if actualOutput >= 0 then settle(KEYS[3], 'outputTotal', reservedOutput, actualOutput) end

local factor = tonumber(redis.call('HGET', KEYS[5], 'factor') or '1')
if outcome == 'rate-limited' then
  redis.call('HINCRBY', KEYS[5], 'rateLimited', 1)
  local lastDecrease = tonumber(redis.call('HGET', KEYS[5], 'lastDecreaseAt') or '0')
  if now - lastDecrease >= cooldown then
    factor = math.max(minimum, factor * decrease)
    redis.call('HSET', KEYS[5], 'factor', tostring(factor), 'lastDecreaseAt', now)
  end
  if retryAfter > 0 then
    local pausedUntil = tonumber(redis.call('HGET', KEYS[5], 'pausedUntil') or '0')
    if now + retryAfter > pausedUntil then redis.call('HSET', KEYS[5], 'pausedUntil', now + retryAfter) end
    if retryAfter * 2 > ttl then ttl = retryAfter * 2 end
  end
  for index = 1, 5 do redis.call('PEXPIRE', KEYS[index], ttl) end
elseif outcome == 'ok' and factor < 1 then
  factor = math.min(1, factor + increase)
  redis.call('HSET', KEYS[5], 'factor', tostring(factor))
end
return tostring(factor)
`;

const acquireScript = new RedisScript('parley-rate-acquire', ACQUIRE_LUA);
const releaseScript = new RedisScript('parley-rate-release', RELEASE_LUA);

/**
 * Per-model limits shared by every process through Redis: requests, input tokens and output
 * tokens per window (sliding), concurrent calls (leases that expire), and an AIMD factor plus a
 * shared pause that every 429 feeds. Limits absent from the model's config are not enforced;
 * the pause after a 429 with retry-after applies to every model.
 */
export class RateLimiter {
  readonly options: RateLimiterOptions;
  private readonly lines = new Map<string, LocalWaitingLine>();

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    options: Partial<RateLimiterOptions> = {},
  ) {
    this.options = {
      ...DEFAULT_RATE_LIMITER_OPTIONS,
      ...options,
      aimd: { ...DEFAULT_RATE_LIMITER_OPTIONS.aimd, ...options.aimd },
    };
    if (!(this.options.windowMs > 0))
      throw new Error(`rate limiter: windowMs must be positive, got ${this.options.windowMs}`);
  }

  /** Waits until the call fits every limit, then holds its share. */
  async acquire(
    limiterId: string,
    limits: ModelLimits,
    amounts: { inputTokens: number; outputTokens: number; leaseMs: number },
    signal?: AbortSignal,
  ): Promise<RatePermit> {
    const request: AcquireRequest = {
      id: randomUUID(),
      inputTokens: Math.max(0, Math.ceil(amounts.inputTokens)),
      outputTokens: Math.max(0, Math.ceil(amounts.outputTokens)),
      leaseMs: amounts.leaseMs,
      started: Date.now(),
    };
    // Nobody of this process waits: try Redis straight away.
    if (!this.lines.get(limiterId)?.length) {
      signal?.throwIfAborted();
      const first = await this.attempt(limiterId, limits, request);
      if (first.permit) return first.permit;
    }
    // Callers of this process that must wait queue up behind one Redis poller (LocalWaitingLine):
    // at a provider's concurrency limit, hundreds of waiting jobs each polling Redis every 50 ms
    // cost more CPU than the calls themselves, and a release in this process now hands its slot
    // on at once instead of at the next poll.
    let line = this.lines.get(limiterId);
    if (!line) {
      line = new LocalWaitingLine();
      this.lines.set(limiterId, line);
    }
    await line.join(signal);
    try {
      for (;;) {
        signal?.throwIfAborted();
        const outcome = await this.attempt(limiterId, limits, request);
        if (outcome.permit) return outcome.permit;
        // Heads of several processes that wake together would race for one slot; jitter spreads them.
        const wait = Math.max(1, outcome.waitMs) + Math.random() * Math.min(20, this.options.pollIntervalMs);
        await line.sleep(wait, signal);
      }
    } finally {
      line.leave();
      if (line.length === 0 && this.lines.get(limiterId) === line) this.lines.delete(limiterId);
    }
  }

  /** One try at the shared limits: a permit, or how long to wait before the next try. */
  private async attempt(
    limiterId: string,
    limits: ModelLimits,
    request: AcquireRequest,
  ): Promise<{ permit: RatePermit; waitMs?: undefined } | { permit?: undefined; waitMs: number }> {
    const { id, inputTokens, outputTokens } = request;
    const reply = (await acquireScript.run(this.redis, this.keys(limiterId), [
      id,
      this.options.windowMs,
      limits.requestsPerMinute ?? 0,
      limits.inputTokensPerMinute ?? 0,
      limits.outputTokensPerMinute ?? 0,
      limits.maxConcurrency ?? 0,
      inputTokens,
      outputTokens,
      Math.ceil(request.leaseMs),
      this.options.pollIntervalMs,
      this.ttl(request.leaseMs),
    ])) as [number, number, number, string, string?];
    if (reply[0] !== 1) return { waitMs: reply[1] };
    const holdsShare =
      (limits.maxConcurrency ?? 0) > 0 ||
      ((limits.inputTokensPerMinute ?? 0) > 0 && inputTokens > 0) ||
      ((limits.outputTokensPerMinute ?? 0) > 0 && outputTokens > 0);
    const permit: RatePermit = {
      id,
      inputTokens,
      outputTokens,
      admittedAt: reply[2],
      waitedMs: Date.now() - request.started,
      releaseNeeded: holdsShare || Number(reply[4] ?? 0) < 1,
    };
    this.options.onAdmit?.({ limiterId, permit });
    return { permit };
  }

  /** Frees the concurrency slot, replaces reserved tokens by actual ones, feeds AIMD. */
  async release(limiterId: string, permit: RatePermit, outcome: RateOutcome): Promise<number> {
    // A call that held no share and met a full factor has nothing to give back unless it was
    // rate limited: skipping the script saves a Redis round trip per call (bench/ measured ~5%
    // of a worker's CPU with no limits configured).
    if (permit.releaseNeeded === false && outcome.kind !== 'rate-limited') return 1;
    const aimd = this.options.aimd;
    const factor = await releaseScript.run(this.redis, this.keys(limiterId), [
      permit.id,
      permit.inputTokens,
      outcome.kind === 'ok' ? Math.ceil(outcome.inputTokens) : -1,
      permit.outputTokens,
      // A failed call produced no output: its output reservation goes back.
      outcome.kind === 'ok' ? Math.ceil(outcome.outputTokens) : 0,
      outcome.kind,
      outcome.kind === 'rate-limited' ? Math.ceil(outcome.retryAfterMs ?? 0) : 0,
      aimd.decreaseFactor,
      aimd.increaseStep,
      aimd.minimumFactor,
      aimd.decreaseCooldownMs,
      this.ttl(0),
    ]);
    // A slot or tokens came back: this process's waiting head looks again now.
    this.lines.get(limiterId)?.wake();
    return Number(factor);
  }

  async state(limiterId: string): Promise<RateLimiterState> {
    const [requests, , , leases, state] = this.keys(limiterId);
    const now = Number((await this.redis.time())[0]) * 1000;
    const [requestsInWindow, inFlight, fields] = await Promise.all([
      this.redis.zcount(requests!, now - this.options.windowMs, '+inf'),
      this.redis.zcount(leases!, now, '+inf'),
      this.redis.hgetall(state!),
    ]);
    return {
      factor: Number(fields.factor ?? 1),
      pausedUntil: Number(fields.pausedUntil ?? 0),
      rateLimited: Number(fields.rateLimited ?? 0),
      inFlight,
      requestsInWindow,
      inputTokensInWindow: Number(fields.inputTotal ?? 0),
      outputTokensInWindow: Number(fields.outputTotal ?? 0),
    };
  }

  private keys(limiterId: string): string[] {
    const base = (part: string) => redisKey(this.prefix, 'llm', 'limit', limiterId, part);
    return [base('requests'), base('input'), base('output'), base('leases'), base('state')];
  }

  private ttl(leaseMs: number): number {
    return Math.ceil(Math.max(this.options.windowMs * 2, leaseMs * 2, 600_000));
  }
}
