import type OpenAI from 'openai';
import { toFile } from 'openai';
import { z } from 'zod';
import { BatchQueueFullError, OPENAI_QUEUE_FULL_CODES } from './batch-queue-full';
import {
  type BatchLine,
  type BatchVendor,
  type FindOutcome,
  type LineOutcome,
  lineCustomId,
  outcomeOfStatus,
} from './batch-vendor';

const CHAT_ROUTE = '/v1/chat/completions';
const ENDED = new Set(['completed', 'expired', 'cancelled', 'failed']);
/** The metadata field naming Parley's batch key, for reconciliation after a crash. */
export const BATCH_KEY_METADATA = 'parley_batch_key';

const resultLineSchema = z.object({
  custom_id: z.string(),
  response: z.object({ status_code: z.number().int(), body: z.unknown() }).nullable().optional(),
  error: z.object({ code: z.string().nullish(), message: z.string().nullish() }).nullable().optional(),
});

/** OpenAI's Batch API: a JSONL file of chat completions, `/v1/batches`, output and error files. */
export class OpenAIBatchVendor implements BatchVendor {
  readonly name = 'openai' as const;

  constructor(private readonly client: OpenAI) {}

  async submit(batchKey: string, lines: BatchLine[]): Promise<string> {
    const jsonl = lines
      .map((line) =>
        JSON.stringify({
          custom_id: lineCustomId(batchKey, line.customId),
          method: 'POST',
          url: CHAT_ROUTE,
          body: line.body,
        }),
      )
      .join('\n');
    const file = await this.client.files.create({
      file: await toFile(Buffer.from(`${jsonl}\n`), `parley-${batchKey}.jsonl`),
      purpose: 'batch',
    });
    const batch = await this.client.batches.create({
      input_file_id: file.id,
      endpoint: CHAT_ROUTE,
      completion_window: '24h',
      metadata: { [BATCH_KEY_METADATA]: batchKey },
    });
    return batch.id;
  }

  async find(batchKey: string, sinceMs: number, known: ReadonlySet<string>): Promise<FindOutcome> {
    // Newest first: stop at the first batch older than the record.
    for await (const batch of this.client.batches.list({ limit: 100 })) {
      if (batch.created_at * 1000 < sinceMs - 60_000) break;
      if (known.has(batch.id)) continue;
      if (batch.metadata?.[BATCH_KEY_METADATA] === batchKey)
        return { kind: 'found', vendorBatchId: batch.id };
    }
    return { kind: 'absent' };
  }

  async poll(vendorBatchId: string): Promise<Map<string, LineOutcome> | undefined> {
    const batch = await this.client.batches.retrieve(vendorBatchId);
    if (!ENDED.has(batch.status)) return undefined;
    const queueFull = batch.errors?.data?.find((error) => OPENAI_QUEUE_FULL_CODES.has(error.code ?? ''));
    if (batch.status === 'failed' && queueFull) {
      throw new BatchQueueFullError(
        `${queueFull.code}: ${queueFull.message ?? 'enqueued token limit reached'}`,
      );
    }
    const outcomes = new Map<string, LineOutcome>();
    for (const fileId of [batch.output_file_id, batch.error_file_id]) {
      if (!fileId) continue;
      const text = await (await this.client.files.content(fileId)).text();
      for (const line of text.split('\n')) {
        if (line.trim() === '') continue;
        const parsed = resultLineSchema.parse(JSON.parse(line));
        outcomes.set(
          parsed.custom_id,
          parsed.response
            ? outcomeOfStatus(parsed.response.status_code, parsed.response.body)
            : { kind: 'retry', reason: parsed.error?.code ?? 'no response' },
        );
      }
    }
    return outcomes;
  }
}
