import type Anthropic from '@anthropic-ai/sdk';
import type {
  MessageBatchRequestCounts,
  MessageCreateParamsNonStreaming,
} from '@anthropic-ai/sdk/resources/messages';
import {
  type BatchLine,
  type BatchVendor,
  type FindOutcome,
  type LineOutcome,
  lineCustomId,
  outcomeOfStatus,
  requestCustomId,
} from './batch-vendor';

/** Anthropic error types that say the request itself is wrong: answered, not retried. */
const REQUEST_ERRORS: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
};

/** Anthropic's Message Batches: requests inline, results as JSONL by `custom_id`. */
export class AnthropicBatchVendor implements BatchVendor {
  readonly name = 'anthropic' as const;

  constructor(private readonly client: Anthropic) {}

  async submit(batchKey: string, lines: BatchLine[]): Promise<string> {
    const batch = await this.client.messages.batches.create({
      requests: lines.map((line) => ({
        custom_id: lineCustomId(batchKey, line.customId),
        params: line.body as MessageCreateParamsNonStreaming,
      })),
    });
    return batch.id;
  }

  /**
   * Message Batches carry no metadata: a batch is recognised by its lines' `custom_id` prefix,
   * readable only once it ended. A batch of another size than the record's `lineCount` (when
   * given) cannot be it and is skipped; another unknown batch still running leaves the question
   * open.
   */
  async find(
    batchKey: string,
    sinceMs: number,
    known: ReadonlySet<string>,
    lineCount?: number,
  ): Promise<FindOutcome> {
    let undecided = false;
    for await (const batch of this.client.messages.batches.list({ limit: 100 })) {
      if (Date.parse(batch.created_at) < sinceMs - 60_000) break;
      if (known.has(batch.id)) continue;
      if (lineCount !== undefined && requestTotal(batch.request_counts) !== lineCount) continue;
      if (batch.processing_status !== 'ended') {
        undecided = true;
        continue;
      }
      for await (const line of await this.client.messages.batches.results(batch.id)) {
        if (requestCustomId(batchKey, line.custom_id) !== undefined)
          return { kind: 'found', vendorBatchId: batch.id };
        break; // one line tells whose batch it is
      }
    }
    return undecided ? { kind: 'undecided' } : { kind: 'absent' };
  }

  async poll(vendorBatchId: string): Promise<Map<string, LineOutcome> | undefined> {
    const batch = await this.client.messages.batches.retrieve(vendorBatchId);
    if (batch.processing_status !== 'ended') return undefined;
    const outcomes = new Map<string, LineOutcome>();
    for await (const line of await this.client.messages.batches.results(vendorBatchId)) {
      const result = line.result;
      if (result.type === 'succeeded') {
        outcomes.set(line.custom_id, { kind: 'answer', answer: { status: 200, body: result.message } });
      } else if (result.type === 'errored') {
        const type = result.error.error.type;
        outcomes.set(line.custom_id, outcomeOfStatus(REQUEST_ERRORS[type] ?? 500, result.error));
      } else {
        outcomes.set(line.custom_id, { kind: 'retry', reason: result.type });
      }
    }
    return outcomes;
  }
}

/** Every request of the batch, whatever became of it (the counts always add up to its size). */
function requestTotal(counts: MessageBatchRequestCounts): number {
  return counts.processing + counts.succeeded + counts.errored + counts.canceled + counts.expired;
}
