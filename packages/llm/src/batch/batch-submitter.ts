import { randomBytes } from 'node:crypto';
import type { CallLogger } from '../middleware/call-logger';
import type { BatchAnswer, BatchQueue, BatchRecord } from './batch-queue';
import { BatchQueueFullError, isRateLimitStatus } from './batch-queue-full';
import type { BatchSettings } from './batch-settings';
import type { BatchVendor, LineOutcome } from './batch-vendor';
import { requestCustomId } from './batch-vendor';

/**
 * The loop that turns one model's collector into vendor batches. Every process that uses the
 * model runs one; only the holder of the queue's lock acts, so a killed holder is replaced once
 * its lock lapses. It resumes every batch recorded in Redis: a `submitting` record without an id
 * is first looked for at the vendor (by its key), and submitted only when it is not there.
 */
export class BatchSubmitter {
  // The pid says which process holds the lock (operators, the kill tests).
  private readonly token = `${process.pid}-${randomBytes(6).toString('hex')}`;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private idleTicks = 0;
  // The vendor's batch queue for the model was full: no new batch before this time.
  private holdOffUntilMs = 0;
  private queueFullStreak = 0;

  constructor(
    private readonly queue: BatchQueue,
    private readonly vendor: BatchVendor,
    private readonly settings: BatchSettings,
    private readonly model: string,
    private readonly logger?: BatchLogger,
  ) {}

  /** Starts (or keeps) the loop; called whenever a request is collected. */
  wake(): void {
    if (this.stopped) return;
    this.idleTicks = 0;
    if (this.timer || this.running) return;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
    await this.queue.releaseLock(this.token).catch(() => undefined);
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.tick()
        .catch((error: unknown) => {
          this.log()?.warn({ err: describe(error) }, 'batch submitter step failed; retrying');
          return true;
        })
        .then((busy) => {
          this.running = undefined;
          if (this.stopped) return;
          this.idleTicks = busy ? 0 : this.idleTicks + 1;
          // Idle for a while: stop polling Redis; the next collected request wakes it.
          if (this.idleTicks < 20) this.schedule(this.stepMs());
        });
    }, delayMs);
    this.timer.unref?.();
  }

  private stepMs(): number {
    return Math.max(
      50,
      Math.min(this.settings.pollIntervalMs, this.settings.maxWaitMs, this.settings.lockTtlMs / 3),
    );
  }

  /** One step as the lock holder; true while there is work (pending requests or batches). */
  async tick(nowMs = Date.now()): Promise<boolean> {
    const records = await this.queue.records();
    const pending = await this.queue.pendingCount();
    const busy = records.length > 0 || pending > 0;
    if (!busy) return false;
    if (!(await this.queue.holdLock(this.token, this.settings.lockTtlMs))) return true;
    let inFlight = 0;
    for (const record of records) {
      if (await this.advance(record, nowMs)) inFlight++;
    }
    while (inFlight < this.settings.maxInFlightBatches && nowMs >= this.holdOffUntilMs) {
      const oldest = await this.queue.oldestPendingMs();
      if (oldest === undefined) break;
      const count = await this.queue.pendingCount();
      if (count < this.settings.maxRequestsPerBatch && nowMs - oldest < this.settings.maxWaitMs) break;
      const record = await this.queue.cut(newBatchKey(), this.settings.maxRequestsPerBatch, nowMs);
      if (!record) break;
      await this.submit(record, nowMs);
      inFlight++;
    }
    return true;
  }

  /** Moves one recorded batch on; true while it is still in flight. */
  private async advance(record: BatchRecord, nowMs: number): Promise<boolean> {
    if (record.state === 'submitting') {
      // A create refused with a 429 made no batch: nothing to look for until the hold-off ends.
      if (nowMs < this.holdOffUntilMs) return true;
      // Its submitter died between cutting and storing the id: the batch may exist.
      // Skipped: batches any queue of the prefix submitted (another model's may run for a day).
      const known = new Set(await this.queue.submittedBatchIdsAnywhere());
      // The lines submit() would send (and so the size the batch has if it was sent).
      const lineCount = (await this.queue.bodies(record.customIds)).size;
      const found = await this.vendor.find(record.batchKey, record.startedAtMs, known, lineCount);
      if (found.kind === 'undecided') return true;
      if (found.kind === 'found') {
        await this.queue.markSubmitted(record, found.vendorBatchId);
        this.log()?.info(
          { batchKey: record.batchKey, vendorBatchId: found.vendorBatchId },
          'batch adopted after a restart (it was submitted before the crash)',
        );
        return true;
      }
      await this.submit(record, nowMs);
      return true;
    }
    let outcomes: Map<string, LineOutcome> | undefined;
    try {
      outcomes = await this.vendor.poll(record.vendorBatchId!);
    } catch (error) {
      if (!(error instanceof BatchQueueFullError)) throw error;
      await this.requeue(record, error.detail, nowMs);
      return false;
    }
    if (!outcomes) return true;
    await this.settle(record, outcomes, nowMs);
    this.queueFullStreak = 0;
    return false;
  }

  /**
   * The vendor refused the batch for a full queue: its lines go back to the collector as they
   * were (no resubmission counted: no line is at fault), and no batch is cut for a while,
   * doubling while the queue stays full (up to 10 minutes).
   */
  private async requeue(record: BatchRecord, detail: string, nowMs: number): Promise<void> {
    const bodies = await this.queue.bodies(record.customIds);
    const lines = [...bodies].map(([customId, stored]) => ({ customId, ...stored }));
    await this.queue.settle(record.batchKey, new Map(), lines, nowMs);
    this.holdOff(nowMs, detail, record);
  }

  private holdOff(nowMs: number, detail: string, record: BatchRecord): void {
    this.queueFullStreak++;
    const waitMs = Math.min(
      10 * 60_000,
      Math.max(this.settings.pollIntervalMs, 50) * 2 ** (this.queueFullStreak - 1),
    );
    this.holdOffUntilMs = nowMs + waitMs;
    this.log()?.warn(
      { batchKey: record.batchKey, lines: record.customIds.length, waitMs, detail },
      "the vendor's batch queue is full; its lines wait for a later batch",
    );
  }

  private async submit(record: BatchRecord, nowMs: number): Promise<void> {
    const bodies = await this.queue.bodies(record.customIds);
    const lines = record.customIds
      .filter((customId) => bodies.has(customId))
      .map((customId) => ({ customId, body: bodies.get(customId)!.body }));
    if (lines.length === 0) {
      await this.queue.settle(record.batchKey, new Map(), []);
      return;
    }
    let vendorBatchId: string;
    try {
      vendorBatchId = await this.vendor.submit(record.batchKey, lines);
    } catch (error) {
      // A 429 on create (Anthropic's queue limit, or request rate): the record stays `submitting`
      // and is looked for, then sent again, after the hold-off.
      if (isRateLimitStatus(error)) this.holdOff(nowMs, String(error), record);
      throw error;
    }
    await this.queue.markSubmitted(record, vendorBatchId);
    this.log()?.info(
      { batchKey: record.batchKey, vendorBatchId, lines: lines.length, vendor: this.vendor.name },
      'batch submitted',
    );
  }

  private async settle(
    record: BatchRecord,
    outcomes: Map<string, LineOutcome>,
    nowMs: number,
  ): Promise<void> {
    const byRequest = new Map<string, LineOutcome>();
    for (const [lineId, outcome] of outcomes) {
      const customId = requestCustomId(record.batchKey, lineId);
      if (customId !== undefined) byRequest.set(customId, outcome);
    }
    const bodies = await this.queue.bodies(record.customIds);
    const answers = new Map<string, BatchAnswer>();
    const retries: Array<{ customId: string; body: unknown; resubmissions: number }> = [];
    for (const customId of record.customIds) {
      const stored = bodies.get(customId);
      if (!stored) continue; // answered already (a settle repeated after a crash)
      const outcome = byRequest.get(customId) ?? { kind: 'retry', reason: 'missing from the results' };
      if (outcome.kind === 'answer') answers.set(customId, outcome.answer);
      else if (stored.resubmissions < this.settings.maxResubmissions) {
        retries.push({ customId, body: stored.body, resubmissions: stored.resubmissions + 1 });
      } else {
        answers.set(customId, {
          status: 500,
          body: {
            error: {
              type: 'server_error',
              message: `batch line failed ${stored.resubmissions + 1} times (last: ${outcome.reason})`,
            },
          },
        });
      }
    }
    await this.queue.settle(record.batchKey, answers, retries, nowMs);
    const answered = [...answers.values()].filter((answer) => answer.status < 400).length;
    this.log()?.info(
      {
        batchKey: record.batchKey,
        vendorBatchId: record.vendorBatchId,
        answered,
        failed: answers.size - answered,
        resubmitted: retries.length,
      },
      'batch ended',
    );
  }

  /** Batch lines are progress (info when the logger has it); failures are warnings. */
  private log():
    | { info(object: Record<string, unknown>, message: string): void; warn: CallLogger['warn'] }
    | undefined {
    const child = this.logger?.child({ model: this.model, batchQueue: this.queue.queueId }) as
      | BatchLogger
      | undefined;
    if (!child) return undefined;
    return {
      info: (object, message) => (child.info ? child.info(object, message) : child.debug(object, message)),
      warn: (object, message) => child.warn(object, message),
    };
  }
}

/** A pino logger has `info`; the narrower CallLogger does not promise it. */
export type BatchLogger = CallLogger & { info?(object: Record<string, unknown>, message: string): void };

/** Short (the line ids carry it within Anthropic's 64 characters) and unique. */
function newBatchKey(): string {
  return `pb${randomBytes(6).toString('hex')}`;
}

function describe(error: unknown): Record<string, unknown> {
  return { type: error instanceof Error ? error.name : typeof error, message: String(error) };
}
