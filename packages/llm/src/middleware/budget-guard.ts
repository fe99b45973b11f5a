import { redisKey } from '@parley/core';
import { BudgetExceededError } from '../errors/budget-exceeded-error';
import { type RedisClient, RedisScript } from './redis-script';

/** A run's limits (`budget:` in the job file); absent limits are not enforced. */
export interface RunBudget {
  maxTokens?: number;
  maxCostUsd?: number;
}

/** What a call holds from its reservation until it settles. */
export interface BudgetReservation {
  runId: string;
  tokens: number;
  costUsd: number;
  /** False when the run has no budget: nothing was written, settling is a no-op. */
  held: boolean;
}

export interface BudgetSpending {
  spentTokens: number;
  spentCostUsd: number;
  reservedTokens: number;
  reservedCostUsd: number;
}

// Check and reserve in one step, so that two processes cannot both take the last room.
// Floats come back as strings: Redis would truncate a Lua number to an integer.
const RESERVE_LUA = `
local maxTokens = tonumber(ARGV[1])
local maxCost = tonumber(ARGV[2])
local tokens = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])
local function read(field) return tonumber(redis.call('HGET', KEYS[1], field) or '0') end
local spentTokens, reservedTokens = read('spentTokens'), read('reservedTokens')
local spentCost, reservedCost = read('spentCostUsd'), read('reservedCostUsd')
if maxTokens >= 0 and spentTokens + reservedTokens + tokens > maxTokens then
  return {0, 'maxTokens', tostring(maxTokens), tostring(spentTokens), tostring(reservedTokens), tostring(tokens)}
end
if maxCost >= 0 and spentCost + reservedCost + cost > maxCost + 1e-12 then
  return {0, 'maxCostUsd', tostring(maxCost), tostring(spentCost), tostring(reservedCost), tostring(cost)}
end
redis.call('HINCRBY', KEYS[1], 'reservedTokens', tokens)
redis.call('HINCRBYFLOAT', KEYS[1], 'reservedCostUsd', cost)
return {1}
`;

const SETTLE_LUA = `
redis.call('HINCRBY', KEYS[1], 'reservedTokens', -tonumber(ARGV[1]))
local reservedCost = tonumber(redis.call('HINCRBYFLOAT', KEYS[1], 'reservedCostUsd', -tonumber(ARGV[2])))
-- Adding and removing the same floats leaves dust; no reservation is ever negative.
if reservedCost < 1e-9 then redis.call('HSET', KEYS[1], 'reservedCostUsd', 0) end
redis.call('HINCRBY', KEYS[1], 'spentTokens', tonumber(ARGV[3]))
redis.call('HINCRBYFLOAT', KEYS[1], 'spentCostUsd', ARGV[4])
return 1
`;

// A parked reservation (a batch request whose job yielded) is kept under the request's key
// until its answer comes; releasing it gives the room back without booking any spend.
const PARK_LUA = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX') then return 1 end
return 0
`;

const RELEASE_PARKED_LUA = `
local parked = redis.call('GET', KEYS[1])
if not parked then return 0 end
redis.call('DEL', KEYS[1])
local reservation = cjson.decode(parked)
redis.call('HINCRBY', KEYS[2], 'reservedTokens', -tonumber(reservation.tokens))
local reservedCost = tonumber(redis.call('HINCRBYFLOAT', KEYS[2], 'reservedCostUsd', -tonumber(reservation.costUsd)))
if reservedCost < 1e-9 then redis.call('HSET', KEYS[2], 'reservedCostUsd', 0) end
return 1
`;

const reserveScript = new RedisScript('parley-budget-reserve', RESERVE_LUA);
const settleScript = new RedisScript('parley-budget-settle', SETTLE_LUA);
const parkScript = new RedisScript('parley-budget-park', PARK_LUA);
const releaseParkedScript = new RedisScript('parley-budget-release-parked', RELEASE_PARKED_LUA);

export function budgetKey(prefix: string, runId: string): string {
  return redisKey(prefix, 'llm', 'run', runId, 'budget');
}

function parkedKey(prefix: string, runId: string, requestKey: string): string {
  return redisKey(prefix, 'llm', 'run', runId, 'budget-parked', requestKey);
}

/**
 * The run's budget guard, shared by every process of the run: a call reserves what it could
 * cost before it starts (estimated input + the most output it may produce) and settles to what
 * it did cost afterwards. A call that could pass the budget is not started.
 */
export class BudgetGuard {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  async reserve(
    runId: string,
    budget: RunBudget,
    amount: { tokens: number; costUsd: number },
  ): Promise<BudgetReservation> {
    if (budget.maxTokens === undefined && budget.maxCostUsd === undefined) {
      return { runId, tokens: 0, costUsd: 0, held: false };
    }
    const tokens = Math.ceil(amount.tokens);
    const reply = (await reserveScript.run(
      this.redis,
      [budgetKey(this.prefix, runId)],
      [budget.maxTokens ?? -1, budget.maxCostUsd ?? -1, tokens, amount.costUsd],
    )) as [number, ...string[]];
    if (reply[0] !== 1) {
      const [, limit, max, spent, reserved, requested] = reply;
      throw new BudgetExceededError(runId, {
        limit: limit as 'maxTokens' | 'maxCostUsd',
        max: Number(max),
        spent: Number(spent),
        reserved: Number(reserved),
        requested: Number(requested),
      });
    }
    return { runId, tokens, costUsd: amount.costUsd, held: true };
  }

  /** Releases the reservation and books what the call actually cost (0 for a call that failed). */
  async settle(reservation: BudgetReservation, actual: { tokens: number; costUsd: number }): Promise<void> {
    if (!reservation.held) return;
    await settleScript.run(
      this.redis,
      [budgetKey(this.prefix, reservation.runId)],
      [reservation.tokens, reservation.costUsd, Math.round(actual.tokens), actual.costUsd],
    );
  }

  /**
   * Keeps a reservation held for a request that waits outside any call (a batch line whose job
   * yielded its worker slot), under the request's key. At most one is parked per request: false
   * when one already is, and the caller settles its own.
   */
  async park(reservation: BudgetReservation, requestKey: string): Promise<boolean> {
    if (!reservation.held) return false;
    const parked = await parkScript.run(
      this.redis,
      [parkedKey(this.prefix, reservation.runId, requestKey)],
      [JSON.stringify({ tokens: reservation.tokens, costUsd: reservation.costUsd })],
    );
    return parked === 1;
  }

  /** Releases the reservation parked for a request, if any (its answer came, or it failed). */
  async releaseParked(runId: string, requestKey: string): Promise<void> {
    await releaseParkedScript.run(
      this.redis,
      [parkedKey(this.prefix, runId, requestKey), budgetKey(this.prefix, runId)],
      [],
    );
  }

  async spending(runId: string): Promise<BudgetSpending> {
    const fields = await this.redis.hgetall(budgetKey(this.prefix, runId));
    return {
      spentTokens: Number(fields.spentTokens ?? 0),
      spentCostUsd: Number(fields.spentCostUsd ?? 0),
      reservedTokens: Number(fields.reservedTokens ?? 0),
      reservedCostUsd: Number(fields.reservedCostUsd ?? 0),
    };
  }
}
