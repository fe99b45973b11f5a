import type { Redis } from 'ioredis';
import type { RunConfig } from '../config/run-config';
import { runConfigSchema } from '../config/run-config';
import { InputError } from '../errors';
import { redisKey } from '../redis-connection';
import { type Conversation, conversationSchema } from '../schemas/conversation';
import {
  type ExpertCounts,
  type IterationCounters,
  type RunRecord,
  type RunStatus,
  runRecordSchema,
} from './run-record';

// One Lua script makes "settle a pair" atomic: the pair joins the settled set and the counters
// (outcome, expert verdicts, failure categories) move only the first time, so a retried settle
// job never counts twice. ARGV: pair, outcome, expert field count, expert fields and values,
// then failure categories and counts.
const SETTLE_PAIR_SCRIPT = `
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
local expertEnd = 3 + 2 * tonumber(ARGV[3])
for i = 4, expertEnd, 2 do
  redis.call('HINCRBY', KEYS[3], ARGV[i], tonumber(ARGV[i + 1]))
end
for i = expertEnd + 1, #ARGV, 2 do
  redis.call('HINCRBY', KEYS[4], ARGV[i], tonumber(ARGV[i + 1]))
end
return 1
`;

// Cancelling is atomic with the check for a driver: a run whose lease no scheduler holds ends
// 'cancelled' at once (nobody else would ever end it); a driven run is asked to stop and its
// driver ends it. A scheduler that takes the lease afterwards finds the run over and leaves it.
const CANCEL_RUN_SCRIPT = `
if redis.call('HEXISTS', KEYS[1], 'id') == 0 then return 'missing' end
local status = redis.call('HGET', KEYS[1], 'status')
if status == 'completed' or status == 'failed' or status == 'cancelled' then return 'finished' end
redis.call('HSET', KEYS[1], 'cancelRequested', '1', 'updatedAt', ARGV[1])
if redis.call('EXISTS', KEYS[2]) == 1 then return 'requested' end
redis.call('HSET', KEYS[1], 'status', 'cancelled', 'finishedAt', ARGV[1])
return 'cancelled'
`;

/** What cancelling a run did: ended it, asked its driver to, or nothing (missing or already over). */
export type CancelOutcome = 'cancelled' | 'requested' | 'finished' | 'missing';

const EXPERT_COUNT_FIELDS = new Set(['passed', 'total', 'unparseable']);

/**
 * A run's state in Redis: its record, its config, iteration counters, the settled-pair sets and
 * the example pool. Shared by the scheduler (writes), the workers (read config and pool) and the
 * CLI (status). Only validated data goes in, and never a secret: configs hold key *names*.
 */
export class RunStore {
  constructor(
    readonly redis: Redis,
    readonly prefix: string,
  ) {}

  private key(...parts: Array<string | number>): string {
    return redisKey(this.prefix, ...parts);
  }

  async createRun(record: Omit<RunRecord, 'updatedAt'>, config: RunConfig): Promise<void> {
    const created = await this.redis.hsetnx(this.key('run', record.id), 'id', record.id);
    if (created === 0) throw new InputError(`run ${record.id}`, 'a run with this id already exists');
    await this.redis
      .multi()
      .hset(this.key('run', record.id), flatten({ ...record, updatedAt: Date.now() }))
      .set(this.key('run', record.id, 'config'), JSON.stringify(config))
      .zadd(this.key('runs'), record.createdAt, record.id)
      .exec();
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const hash = await this.redis.hgetall(this.key('run', runId));
    if (!hash.id) return undefined;
    const parsed = runRecordSchema.safeParse(hash);
    if (!parsed.success)
      throw new InputError(`run ${runId}`, `run record in Redis is invalid: ${parsed.error.message}`);
    return parsed.data;
  }

  async listRuns(limit = 100): Promise<RunRecord[]> {
    const ids = await this.redis.zrevrange(this.key('runs'), 0, limit - 1);
    const runs = await Promise.all(ids.map((id) => this.getRun(id)));
    return runs.filter((run): run is RunRecord => run !== undefined);
  }

  async getConfig(runId: string): Promise<RunConfig> {
    const text = await this.redis.get(this.key('run', runId, 'config'));
    if (!text) throw new InputError(`run ${runId}`, 'no config stored for this run');
    return runConfigSchema.parse(JSON.parse(text));
  }

  async update(runId: string, fields: Partial<Omit<RunRecord, 'id'>>): Promise<void> {
    await this.redis.hset(this.key('run', runId), flatten({ ...fields, updatedAt: Date.now() }));
  }

  async setStatus(runId: string, status: RunStatus, extra: Partial<RunRecord> = {}): Promise<void> {
    await this.update(runId, { ...extra, status });
  }

  async requestCancel(runId: string): Promise<void> {
    await this.update(runId, { cancelRequested: true });
  }

  /**
   * Cancels a run: one no scheduler drives (no lease: created through the API with no
   * `parley scheduler` running, or left by a dead one) ends `cancelled` at once; a driven one is
   * asked to stop and its driver ends it once no new job starts.
   */
  async cancelRun(runId: string): Promise<CancelOutcome> {
    const outcome = await this.redis.eval(
      CANCEL_RUN_SCRIPT,
      2,
      this.key('run', runId),
      this.key('run', runId, 'lease'),
      Date.now(),
    );
    return outcome as CancelOutcome;
  }

  // --- iterations ---------------------------------------------------------------------------

  async initIteration(runId: string, iteration: number, planned: number): Promise<void> {
    const key = this.key('run', runId, 'iter', iteration);
    await this.redis.hsetnx(key, 'planned', planned);
    await this.redis.hsetnx(key, 'startedAt', Date.now());
  }

  async setEnqueued(runId: string, iteration: number, enqueued: number): Promise<void> {
    await this.redis.hset(this.key('run', runId, 'iter', iteration), 'enqueued', enqueued);
  }

  async finishIteration(runId: string, iteration: number): Promise<void> {
    await this.redis.hsetnx(this.key('run', runId, 'iter', iteration), 'finishedAt', Date.now());
  }

  /**
   * Marks a pair settled and counts its outcome, expert verdicts and failure categories, once.
   * Returns false when the pair had already been settled (a retried job).
   */
  async settlePair(
    runId: string,
    iteration: number,
    pairId: string,
    outcome: 'accepted' | 'rejected' | 'failed',
    expertCounts: Record<string, Partial<ExpertCounts>>,
    failureCounts: Record<string, number> = {},
  ): Promise<boolean> {
    const expertArguments = Object.entries(expertCounts).flatMap(([expert, counts]) =>
      (['passed', 'total', 'unparseable'] as const)
        .filter((field) => counts[field] !== undefined && counts[field] !== 0)
        .flatMap((field) => [`${expert}:${field}`, counts[field]!]),
    );
    const failureArguments = Object.entries(failureCounts).flat();
    const result = await this.redis.eval(
      SETTLE_PAIR_SCRIPT,
      4,
      this.key('run', runId, 'iter', iteration, 'settled'),
      this.key('run', runId, 'iter', iteration),
      this.key('run', runId, 'iter', iteration, 'experts'),
      this.key('run', runId, 'iter', iteration, 'failures'),
      pairId,
      outcome,
      expertArguments.length / 2,
      ...expertArguments,
      ...failureArguments,
    );
    return result === 1;
  }

  async isSettled(runId: string, iteration: number, pairId: string): Promise<boolean> {
    return (await this.redis.sismember(this.key('run', runId, 'iter', iteration, 'settled'), pairId)) === 1;
  }

  async settledCount(runId: string, iteration: number): Promise<number> {
    return this.redis.scard(this.key('run', runId, 'iter', iteration, 'settled'));
  }

  async iterationCounters(runId: string, iteration: number): Promise<IterationCounters> {
    const [hash, experts, failures] = await Promise.all([
      this.redis.hgetall(this.key('run', runId, 'iter', iteration)),
      this.redis.hgetall(this.key('run', runId, 'iter', iteration, 'experts')),
      this.redis.hgetall(this.key('run', runId, 'iter', iteration, 'failures')),
    ]);
    const expertCounts: IterationCounters['experts'] = {};
    for (const [field, value] of Object.entries(experts)) {
      const separator = field.lastIndexOf(':');
      const name = field.slice(0, separator);
      const which = field.slice(separator + 1);
      if (separator <= 0 || !EXPERT_COUNT_FIELDS.has(which)) continue;
      expertCounts[name] ??= { passed: 0, total: 0, unparseable: 0 };
      expertCounts[name][which as keyof ExpertCounts] = Number(value);
    }
    const number = (value: string | undefined) => (value === undefined ? 0 : Number(value));
    return {
      iteration,
      planned: number(hash.planned),
      enqueued: number(hash.enqueued),
      accepted: number(hash.accepted),
      rejected: number(hash.rejected),
      failed: number(hash.failed),
      startedAt: hash.startedAt ? Number(hash.startedAt) : undefined,
      finishedAt: hash.finishedAt ? Number(hash.finishedAt) : undefined,
      experts: expertCounts,
      failures: Object.fromEntries(
        Object.entries(failures).map(([category, count]) => [category, Number(count)]),
      ),
    };
  }

  /** Counters of every iteration of a run, first to last. */
  async runCounters(runId: string, iterations: number): Promise<IterationCounters[]> {
    return Promise.all(
      Array.from({ length: iterations }, (_, index) => this.iterationCounters(runId, index + 1)),
    );
  }

  // --- example pool ---------------------------------------------------------------------------

  /** The few-shot examples the Generator draws from in `iteration` (bounded: pool size). */
  async setExamplePool(runId: string, iteration: number, pool: Conversation[]): Promise<void> {
    await this.redis.set(this.key('run', runId, 'pool', iteration), JSON.stringify(pool));
  }

  async getExamplePool(runId: string, iteration: number): Promise<Conversation[] | undefined> {
    const text = await this.redis.get(this.key('run', runId, 'pool', iteration));
    return text ? conversationSchema.array().parse(JSON.parse(text)) : undefined;
  }

  // --- scheduler lease ------------------------------------------------------------------------

  /** One scheduler drives a run at a time; the lease expires if its holder dies. */
  async acquireLease(runId: string, holder: string, ttlMs: number): Promise<boolean> {
    const key = this.key('run', runId, 'lease');
    const result = await this.redis.set(key, holder, 'PX', ttlMs, 'NX');
    if (result === 'OK') return true;
    if ((await this.redis.get(key)) === holder) {
      await this.redis.pexpire(key, ttlMs);
      return true;
    }
    return false;
  }

  /** Who drives the run now (a scheduler id), or undefined when no scheduler holds its lease. */
  async leaseHolder(runId: string): Promise<string | undefined> {
    return (await this.redis.get(this.key('run', runId, 'lease'))) ?? undefined;
  }

  async releaseLease(runId: string, holder: string): Promise<void> {
    const key = this.key('run', runId, 'lease');
    if ((await this.redis.get(key)) === holder) await this.redis.del(key);
  }

  /**
   * Drops a finished run's bulky keys (pools, settled sets, the near-duplicate index); the
   * record, counters and usage stay for status and the dashboard.
   */
  async compactRun(runId: string, iterations: number): Promise<void> {
    const keys: string[] = [
      this.key('run', runId, 'nd', 'buckets'),
      this.key('run', runId, 'nd', 'signatures'),
    ];
    for (let iteration = 1; iteration <= iterations + 1; iteration++) {
      keys.push(
        this.key('run', runId, 'pool', iteration),
        this.key('run', runId, 'iter', iteration, 'settled'),
      );
    }
    await this.redis.del(...keys);
  }
}

function flatten(record: Record<string, unknown>): Record<string, string | number> {
  const result: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(record)) {
    if (value === undefined) continue;
    result[key] = typeof value === 'boolean' ? (value ? '1' : '0') : (value as string | number);
  }
  return result;
}
