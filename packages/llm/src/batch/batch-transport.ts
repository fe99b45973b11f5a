import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { markRepeatedDelivery, noteBatchRequest } from './batch-call-scope';
import type { BatchQueue } from './batch-queue';
import type { BatchSettings } from './batch-settings';
import type { BatchSubmitter } from './batch-submitter';
import { BatchPendingError, currentBatchYieldScope } from './batch-yield';

/** The routes a batch line can carry: chat completions (OpenAI family) and messages (Anthropic). */
const BATCHABLE = [/\/chat\/completions$/, /\/messages$/];
const FIRST_POLL_MS = 100;
const MAX_POLL_MS = 2_000;

/**
 * A `fetch` for the vendor SDK of a batch binding: instead of sending the request, it adds the
 * body to the model's collector under a `custom_id` (run id + body hash, so a retried job finds
 * its request again) and answers, when the batch has, with that line's status and body. The
 * adapter above parses it as it would a synchronous answer; budget, accounting and retries stay
 * the middleware's. Inside a queue job's yield scope, a call still unanswered after
 * `yieldAfterMs` leaves its request queued and throws BatchPendingError (batch-yield.ts).
 */
export function createBatchFetch(options: {
  queue: BatchQueue;
  submitter: BatchSubmitter;
  runId: string;
  settings: Pick<BatchSettings, 'yieldAfterMs' | 'pollIntervalMs' | 'waitTimeoutMs' | 'maxResubmissions'>;
}): typeof fetch {
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const path = new URL(url).pathname;
    if (init?.method !== 'POST' || !BATCHABLE.some((route) => route.test(path))) {
      return errorResponse(400, `batch execution serves chat requests only, not ${init?.method} ${path}`);
    }
    if (typeof init.body !== 'string') return errorResponse(400, 'batch execution needs a JSON request body');
    const body: unknown = JSON.parse(init.body);
    const customId = requestIdOf(options.runId, path, init.body);
    noteBatchRequest(customId);
    const signal = init.signal ?? undefined;
    const scope = currentBatchYieldScope();
    const yieldAtMs = Date.now() + options.settings.yieldAfterMs;
    let delayMs = FIRST_POLL_MS;
    for (;;) {
      // Idempotent: adds the request again if an earlier failure answer was taken away meanwhile.
      const answer = await options.queue.enqueue(customId, body);
      if (answer) {
        if (answer.status >= 400) await options.queue.forgetAnswer(customId);
        else if (!answer.firstDelivery) markRepeatedDelivery();
        return new Response(JSON.stringify(answer.body), {
          status: answer.status,
          headers: { 'content-type': 'application/json', 'x-parley-batch-custom-id': customId },
        });
      }
      options.submitter.wake();
      if (scope && (scope.yielded || Date.now() >= yieldAtMs)) {
        // The request stays queued under its custom_id; the job's next run collects the answer.
        const { pollIntervalMs, waitTimeoutMs, maxResubmissions } = options.settings;
        scope.yielded ??= { pollIntervalMs, giveUpAfterMs: waitTimeoutMs * (1 + maxResubmissions) };
        throw new BatchPendingError();
      }
      const untilYield = scope ? Math.max(0, yieldAtMs - Date.now()) : delayMs;
      await sleep(Math.min(delayMs, untilYield), undefined, { signal, ref: true });
      delayMs = Math.min(delayMs * 2, MAX_POLL_MS);
    }
  };
}

/** `custom_id` of a request: 40 hex characters, the same for the same run, route and body. */
export function requestIdOf(runId: string, path: string, body: string): string {
  const route = path.endsWith('/messages') ? 'messages' : 'chat';
  return createHash('sha256').update(`${runId}\n${route}\n${body}`).digest('hex').slice(0, 40);
}

function errorResponse(status: number, message: string): Response {
  return new Response(JSON.stringify({ error: { type: 'invalid_request_error', message } }), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}
