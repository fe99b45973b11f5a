import type Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { AnthropicBatchVendor } from './anthropic-batch-vendor';
import { outcomeOfStatus } from './batch-vendor';

// What becomes of one batch line's error, by the vendors' documented error bodies: rate limits
// and server errors go into a later batch; request errors and an exhausted quota are answered,
// so the call fails as it would synchronously.

const openaiError = (type: string, code: string | null, message: string) => ({
  error: { message, type, param: null, code },
});

describe('outcomeOfStatus', () => {
  it('retries 429 rate limits and 5xx, answers request errors', () => {
    expect(
      outcomeOfStatus(429, openaiError('requests', 'rate_limit_exceeded', 'Rate limit reached')).kind,
    ).toBe('retry');
    expect(outcomeOfStatus(500, openaiError('server_error', null, 'The server had an error')).kind).toBe(
      'retry',
    );
    expect(outcomeOfStatus(400, openaiError('invalid_request_error', null, 'bad schema')).kind).toBe(
      'answer',
    );
  });

  it('answers an exhausted quota instead of sending it round the batches again', () => {
    const quota = openaiError('insufficient_quota', 'insufficient_quota', 'You exceeded your current quota');
    expect(outcomeOfStatus(429, quota)).toEqual({ kind: 'answer', answer: { status: 429, body: quota } });
    const credit = {
      type: 'error',
      error: { type: 'invalid_request_error', message: 'Your credit balance is too low' },
    };
    expect(outcomeOfStatus(400, credit).kind).toBe('answer');
  });
});

/** A Message Batches client whose one ended batch holds the given results. */
function anthropicWith(results: unknown[]): Anthropic {
  return {
    messages: {
      batches: {
        retrieve: async () => ({ id: 'msgbatch_1', processing_status: 'ended' }),
        results: async () =>
          (async function* () {
            yield* results;
          })(),
      },
    },
  } as unknown as Anthropic;
}

describe('Anthropic batch results', () => {
  it('answer billing_error (402) and request errors; retry api, overloaded, timeout and rate-limit errors', async () => {
    const errored = (id: string, type: string) => ({
      custom_id: id,
      result: { type: 'errored', error: { type: 'error', error: { type, message: `${type} (test)` } } },
    });
    const vendor = new AnthropicBatchVendor(
      anthropicWith([
        errored('billing', 'billing_error'),
        errored('invalid', 'invalid_request_error'),
        errored('api', 'api_error'),
        errored('overloaded', 'overloaded_error'),
        errored('timeout', 'timeout_error'),
        errored('rate', 'rate_limit_error'),
        { custom_id: 'expired', result: { type: 'expired' } },
      ]),
    );
    const outcomes = (await vendor.poll('msgbatch_1'))!;
    const summary = Object.fromEntries(
      [...outcomes].map(([id, outcome]) => [id, outcome.kind === 'answer' ? outcome.answer.status : 'retry']),
    );
    expect(summary).toEqual({
      billing: 402,
      invalid: 400,
      api: 'retry',
      overloaded: 'retry',
      timeout: 'retry',
      rate: 'retry',
      expired: 'retry',
    });
  });
});
