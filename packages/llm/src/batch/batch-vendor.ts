import { isQuotaExhausted } from '../vendor-error';
import type { BatchAnswer } from './batch-queue';

/** One line of a batch as sent: the vendor's `custom_id` and the request body. */
export interface BatchLine {
  customId: string;
  body: unknown;
}

/** What became of one line: a final answer (success or a request error), or a retry later. */
export type LineOutcome = { kind: 'answer'; answer: BatchAnswer } | { kind: 'retry'; reason: string };

/** Whether a batch with a given key exists at the vendor (reconciling a `submitting` record). */
export type FindOutcome =
  | { kind: 'found'; vendorBatchId: string }
  | { kind: 'absent' }
  | { kind: 'undecided' };

/** One vendor's Batch API, through its official SDK. */
export interface BatchVendor {
  readonly name: 'openai' | 'anthropic';
  /** Submits the lines; returns the vendor's batch id. */
  submit(batchKey: string, lines: BatchLine[]): Promise<string>;
  /**
   * Looks for a batch carrying `batchKey` among those created since `sinceMs`, skipping `known`
   * ids (every batch a Parley queue of this prefix submitted) and, when the vendor shows its size,
   * batches of another size than `lineCount`.
   */
  find(
    batchKey: string,
    sinceMs: number,
    known: ReadonlySet<string>,
    lineCount?: number,
  ): Promise<FindOutcome>;
  /** Undefined while the batch runs; once it ended, an outcome per `custom_id` it reported. */
  poll(vendorBatchId: string): Promise<Map<string, LineOutcome> | undefined>;
}

/** Line `custom_id`s carry their batch's key, so a batch can be recognised from its lines. */
export function lineCustomId(batchKey: string, customId: string): string {
  return `${batchKey}-${customId}`;
}

/** The request's own `custom_id` from a line's, or undefined for a line of another batch. */
export function requestCustomId(batchKey: string, lineId: string): string | undefined {
  return lineId.startsWith(`${batchKey}-`) ? lineId.slice(batchKey.length + 1) : undefined;
}

/**
 * A line's HTTP status as an outcome: server errors and rate limits are retried in a later batch;
 * an exhausted quota (429 `insufficient_quota`, Anthropic's `billing_error`) is answered, so the
 * call fails as it would synchronously instead of going round the batches again.
 */
export function outcomeOfStatus(status: number, body: unknown): LineOutcome {
  const error = (body as { error?: { type?: unknown; code?: unknown; message?: unknown } } | undefined)
    ?.error;
  const type =
    typeof error?.type === 'string' ? error.type : typeof error?.code === 'string' ? error.code : undefined;
  const message = typeof error?.message === 'string' ? error.message : '';
  if (isQuotaExhausted(status, type, message)) return { kind: 'answer', answer: { status, body } };
  if (status >= 500 || status === 429) return { kind: 'retry', reason: `HTTP ${status}` };
  return { kind: 'answer', answer: { status, body } };
}
