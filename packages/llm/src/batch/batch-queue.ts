import { redisKey } from '@parley/core';
import { z } from 'zod';
import { type RedisClient, RedisScript } from '../middleware/redis-script';

/** The final answer to one request: the vendor's HTTP status and body for that line. */
export interface BatchAnswer {
  status: number;
  body: unknown;
}

/** A batch from the moment it is cut from the collector until its results are stored. */
export interface BatchRecord {
  batchKey: string;
  /** `submitting`: cut and maybe sent, no vendor id known yet; `submitted`: the id is stored. */
  state: 'submitting' | 'submitted';
  vendorBatchId?: string;
  customIds: string[];
  startedAtMs: number;
}

const batchRecordSchema = z.object({
  batchKey: z.string(),
  state: z.enum(['submitting', 'submitted']),
  vendorBatchId: z.string().optional(),
  customIds: z.array(z.string()),
  startedAtMs: z.number(),
});

const storedRequestSchema = z.object({ body: z.unknown(), resubmissions: z.number().int() });
const answerSchema = z.object({ status: z.number().int(), body: z.unknown() });

/** Kept a day: a job retried after its answer arrived finds it without paying again. */
const ANSWER_TTL_SECONDS = 24 * 60 * 60;

// The answer if there is one, and whether this is its first delivery (a job rerun after it
// yielded reads its earlier answers again: they are billed once); otherwise the request is added
// unless it is already pending or in a batch. Idempotent, so a waiter can call it on every poll.
const ENQUEUE_LUA = `
local answer = redis.call('GET', KEYS[3])
if answer then
  local first = redis.call('SET', KEYS[5], '1', 'NX', 'EX', ARGV[4])
  return {answer, first and 1 or 0}
end
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then
  redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
  redis.call('HINCRBY', KEYS[4], 'collected', 1)
end
return false
`;

// Moves the oldest pending requests into a new batch record in one step: a request is pending
// or in exactly one record, never both, never neither.
const CUT_LUA = `
local ids = redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)
if #ids == 0 then return {} end
redis.call('ZREM', KEYS[1], unpack(ids))
local record = cjson.decode(ARGV[3])
record.customIds = ids
redis.call('HSET', KEYS[2], ARGV[2], cjson.encode(record))
return ids
`;

// The lock is renewed or released only by the process that holds it.
const RENEW_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;

const enqueueScript = new RedisScript('parley-batch-enqueue', ENQUEUE_LUA);
const cutScript = new RedisScript('parley-batch-cut', CUT_LUA);
const renewScript = new RedisScript('parley-batch-renew', RENEW_LUA);

/** An answer as the queue hands it out: `firstDelivery` is false when it was read before. */
export type BatchDelivery = BatchAnswer & { firstDelivery: boolean };

/** Per-model counts for status and the dashboard. */
export interface BatchQueueStats {
  collected: number;
  batchesSubmitted: number;
  linesSubmitted: number;
  answered: number;
  resubmitted: number;
  failed: number;
}

/**
 * One model's batch queue in Redis: the collector (pending requests by age), the request
 * bodies, the batch records (persisted before and after submission), the answers per
 * `custom_id`, the submitter lock, and counters. Shared by every process of every run.
 */
export class BatchQueue {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    /** The model's queue id (provider, base URL, model, key source; see limiterId). */
    readonly queueId: string,
  ) {}

  key(...parts: string[]): string {
    return redisKey(this.prefix, 'llm', 'batch', this.queueId, ...parts);
  }

  /**
   * Vendor ids of the batches every queue of the prefix submitted. Outside `key()`'s namespace on
   * purpose: `*:llm:batch:*:submitted` (this queue's batches, as tests count them) must not match it.
   */
  private sharedSubmittedKey(): string {
    return redisKey(this.prefix, 'llm', 'batch-submitted');
  }

  /** Adds the request unless it is pending or answered; returns its answer when there is one. */
  async enqueue(customId: string, body: unknown, nowMs = Date.now()): Promise<BatchDelivery | undefined> {
    const reply = await enqueueScript.run(
      this.redis,
      [
        this.key('requests'),
        this.key('pending'),
        this.key('answer', customId),
        this.key('stats'),
        this.key('delivered', customId),
      ],
      [customId, JSON.stringify({ body, resubmissions: 0 }), nowMs, ANSWER_TTL_SECONDS],
    );
    if (!Array.isArray(reply)) return undefined;
    const answer = answerSchema.parse(JSON.parse(String(reply[0])));
    return { ...answer, firstDelivery: Number(reply[1]) === 1 };
  }

  /** An error answer is taken away once read, so that the caller's retry enqueues the request again. */
  async forgetAnswer(customId: string): Promise<void> {
    await this.redis.del(this.key('answer', customId), this.key('delivered', customId));
  }

  async pendingCount(): Promise<number> {
    return this.redis.zcard(this.key('pending'));
  }

  /** Enqueue time of the oldest pending request, or undefined when none waits. */
  async oldestPendingMs(): Promise<number | undefined> {
    const oldest = await this.redis.zrange(this.key('pending'), '0', '0', 'WITHSCORES');
    return oldest.length === 2 ? Number(oldest[1]) : undefined;
  }

  /** Cuts up to `max` oldest pending requests into a `submitting` record (written before any upload). */
  async cut(batchKey: string, max: number, nowMs = Date.now()): Promise<BatchRecord | undefined> {
    const record = { batchKey, state: 'submitting', startedAtMs: nowMs };
    const ids = (await cutScript.run(
      this.redis,
      [this.key('pending'), this.key('batches')],
      [max, batchKey, JSON.stringify(record)],
    )) as string[];
    if (ids.length === 0) return undefined;
    return { batchKey, state: 'submitting', startedAtMs: nowMs, customIds: ids };
  }

  async records(): Promise<BatchRecord[]> {
    const all = await this.redis.hgetall(this.key('batches'));
    return Object.values(all).map((text) => batchRecordSchema.parse(JSON.parse(text)));
  }

  /**
   * Stores the vendor's id and the submission itself (the count of batches ever submitted); the
   * id also joins the prefix's shared set, so another model's queue on the same key knows it.
   */
  async markSubmitted(record: BatchRecord, vendorBatchId: string): Promise<BatchRecord> {
    const submitted: BatchRecord = { ...record, state: 'submitted', vendorBatchId };
    await this.redis
      .multi()
      .hset(this.key('batches'), record.batchKey, JSON.stringify(submitted))
      .sadd(this.key('submitted'), vendorBatchId)
      .sadd(this.sharedSubmittedKey(), vendorBatchId)
      .hincrby(this.key('stats'), 'batchesSubmitted', 1)
      .hincrby(this.key('stats'), 'linesSubmitted', record.customIds.length)
      .exec();
    return submitted;
  }

  /** Vendor ids of every batch this queue submitted (reconciliation skips them; tests count them). */
  async submittedBatchIds(): Promise<string[]> {
    return this.redis.smembers(this.key('submitted'));
  }

  /**
   * Vendor ids of every batch any queue of the prefix submitted (this queue's included, also those
   * stored before the shared set existed): reconciliation skips them, so another model's batch
   * still running does not hold up a record.
   */
  async submittedBatchIdsAnywhere(): Promise<string[]> {
    return this.redis.sunion(this.sharedSubmittedKey(), this.key('submitted'));
  }

  /** Request bodies by `custom_id` (a missing one was answered meanwhile). */
  async bodies(customIds: string[]): Promise<Map<string, { body: unknown; resubmissions: number }>> {
    const found = new Map<string, { body: unknown; resubmissions: number }>();
    if (customIds.length === 0) return found;
    const texts = await this.redis.hmget(this.key('requests'), ...customIds);
    texts.forEach((text, index) => {
      if (text) found.set(customIds[index]!, storedRequestSchema.parse(JSON.parse(text)));
    });
    return found;
  }

  /**
   * Ends a batch in one transaction: answers stored (their requests dropped), the lines to retry
   * back in the collector with one more resubmission, the record removed.
   */
  async settle(
    batchKey: string,
    answers: Map<string, BatchAnswer>,
    retries: Array<{ customId: string; body: unknown; resubmissions: number }>,
    nowMs = Date.now(),
  ): Promise<void> {
    const transaction = this.redis.multi();
    for (const [customId, answer] of answers) {
      transaction.set(this.key('answer', customId), JSON.stringify(answer), 'EX', ANSWER_TTL_SECONDS);
      transaction.hdel(this.key('requests'), customId);
    }
    for (const retry of retries) {
      transaction.hset(
        this.key('requests'),
        retry.customId,
        JSON.stringify({ body: retry.body, resubmissions: retry.resubmissions }),
      );
      transaction.zadd(this.key('pending'), nowMs, retry.customId);
    }
    const failed = [...answers.values()].filter((answer) => answer.status >= 400).length;
    transaction.hincrby(this.key('stats'), 'answered', answers.size - failed);
    transaction.hincrby(this.key('stats'), 'failed', failed);
    transaction.hincrby(this.key('stats'), 'resubmitted', retries.length);
    transaction.hdel(this.key('batches'), batchKey);
    await transaction.exec();
  }

  async stats(): Promise<BatchQueueStats> {
    const raw = await this.redis.hgetall(this.key('stats'));
    const read = (field: string) => Number(raw[field] ?? 0);
    return {
      collected: read('collected'),
      batchesSubmitted: read('batchesSubmitted'),
      linesSubmitted: read('linesSubmitted'),
      answered: read('answered'),
      resubmitted: read('resubmitted'),
      failed: read('failed'),
    };
  }

  /** Takes or renews the submitter lock; true while this holder has it. */
  async holdLock(token: string, ttlMs: number): Promise<boolean> {
    const renewed = await renewScript.run(this.redis, [this.key('lock')], [token, ttlMs]);
    if (renewed === 1) return true;
    return (await this.redis.set(this.key('lock'), token, 'PX', ttlMs, 'NX')) === 'OK';
  }

  async releaseLock(token: string): Promise<void> {
    await renewScript.run(this.redis, [this.key('lock')], [token, 1]);
  }
}
