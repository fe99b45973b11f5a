import type OpenAI from 'openai';
import { withCallDeadline } from '../call-deadline';
import { LlmCallError } from '../errors/llm-call-error';
import type { CallContext } from '../language-model';
import type { TransportOptions } from '../language-model-adapter';
import { deadlineError } from '../vendor-error';
import { mapOpenAIError } from './openai-error';

/**
 * One attempt at an OpenAI SDK request under one whole-call deadline (the context's timeout, else
 * the model's): the SDK neither retries nor times out on its own, it is told the transport attempt
 * as it would tell it itself, and whatever fails comes back as an LlmCallError. The answer is
 * returned unchecked, for the caller's schema.
 */
export async function sendOpenAIRequest(
  model: { provider: string; modelId: string; timeoutMs: number },
  context: CallContext & TransportOptions,
  send: (requestOptions: OpenAI.RequestOptions) => Promise<unknown>,
): Promise<unknown> {
  try {
    const timeoutMs = context.timeoutMs ?? model.timeoutMs;
    const outcome = await withCallDeadline(timeoutMs, context.signal, (signal) =>
      send({
        signal,
        timeout: timeoutMs,
        maxRetries: 0,
        headers: { 'X-Stainless-Retry-Count': String(context.attempt ?? 0) },
      }),
    );
    if ('expired' in outcome)
      throw deadlineError({ provider: model.provider, modelId: model.modelId }, timeoutMs, outcome.cause);
    return outcome.value;
  } catch (error) {
    if (error instanceof LlmCallError) throw error;
    throw mapOpenAIError(error, { provider: model.provider, modelId: model.modelId, signal: context.signal });
  }
}
