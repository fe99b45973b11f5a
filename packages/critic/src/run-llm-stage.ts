import { type Decoding, InputError, ParleyError, type TokenUsage, ZERO_USAGE } from '@parley/core';
import type { LanguageModel } from '@parley/llm';
import { z } from 'zod';
import type { ExpertContext } from './expert';
import type { LlmStage } from './llm-stage';
import { UnparseableVerdictError } from './unparseable-verdict-error';

/** One stage call: its result, or why the answer was unusable, with the raw answer kept. */
export type StageRun<Result> =
  | { ok: true; result: Result; usage: TokenUsage; model: string; rawOutput: string }
  | { ok: false; reason: string; usage: TokenUsage; model: string; rawOutput: string };

export interface RunLlmStageOptions {
  /** Decoding for the call; absent leaves the model binding's own. */
  decoding?: Decoding;
  /** Decides which thrown errors mean "the model answered garbage". @defaultValue isUnparseableOutputError */
  isUnparseable?: (error: unknown) => boolean;
}

/**
 * Error codes with which an LLM adapter may say that structured output did not parse or
 * validate after its own retries. Anything else that is thrown (transport, budget, abort)
 * propagates, so the job is retried or stopped instead of recording a false verdict.
 */
export const UNPARSEABLE_OUTPUT_CODES: ReadonlySet<string> = new Set([
  // @parley/llm's StructuredOutputError (carries rawOutput and usage).
  'LLM_STRUCTURED_OUTPUT',
  // Our own UnparseableVerdictError.
  'VERDICT_UNPARSEABLE',
]);

/** True for errors that mean the model's answer was unusable (not that the call failed). */
export function isUnparseableOutputError(error: unknown): boolean {
  if (error instanceof ParleyError) return UNPARSEABLE_OUTPUT_CODES.has(error.code);
  if (error instanceof z.ZodError || (error as Error | undefined)?.name === 'ZodError') return true;
  return error instanceof SyntaxError;
}

/** Runs a stage: validates the input, builds the prompt, calls the model, parses the answer. */
export async function runLlmStage<Input, Output, Result>(
  model: LanguageModel,
  stage: LlmStage<Input, Output, Result>,
  input: Input,
  context: ExpertContext,
  options: RunLlmStageOptions = {},
): Promise<StageRun<Result>> {
  const checked = stage.inputSchema.safeParse(input);
  if (!checked.success) {
    throw new InputError(`${stage.name} input`, z.prettifyError(checked.error).replaceAll('\n', '; '));
  }
  const isUnparseable = options.isUnparseable ?? isUnparseableOutputError;
  const fallbackModel = modelName(model);
  let answer: Awaited<ReturnType<LanguageModel['generateObject']>> & { object: Output };
  try {
    answer = await model.generateObject({
      messages: stage.buildPrompt(checked.data),
      schema: stage.outputSchema,
      schemaName: stage.schemaName,
      stage: stage.name,
      ...(context.runId === undefined ? {} : { runId: context.runId }),
      ...(context.signal === undefined ? {} : { signal: context.signal }),
      ...(options.decoding === undefined ? {} : { decoding: options.decoding }),
    });
  } catch (error) {
    if (context.signal?.aborted || !isUnparseable(error)) throw error;
    return {
      ok: false,
      reason: describe(error),
      usage: usageOf(error),
      model: fallbackModel,
      rawOutput: rawOutputOf(error),
    };
  }
  const usage = answer.usage;
  const answeredBy = answer.modelId || fallbackModel;
  try {
    return {
      ok: true,
      result: stage.parse(answer.object, checked.data),
      usage,
      model: answeredBy,
      rawOutput: answer.text,
    };
  } catch (error) {
    if (!(error instanceof UnparseableVerdictError)) throw error;
    return { ok: false, reason: error.message, usage, model: answeredBy, rawOutput: answer.text };
  }
}

/** `provider:model`, without doubling a provider prefix the model id already carries. */
export function modelName(model: Pick<LanguageModel, 'provider' | 'modelId'>): string {
  return model.modelId.startsWith(`${model.provider}:`)
    ? model.modelId
    : `${model.provider}:${model.modelId}`;
}

const MAX_RAW_OUTPUT = 4000;

function rawOutputOf(error: unknown): string {
  const candidate = error as { rawOutput?: unknown; text?: unknown } | undefined;
  const raw =
    typeof candidate?.rawOutput === 'string'
      ? candidate.rawOutput
      : typeof candidate?.text === 'string'
        ? candidate.text
        : describe(error);
  return raw.length > MAX_RAW_OUTPUT ? `${raw.slice(0, MAX_RAW_OUTPUT)}…` : raw;
}

function usageOf(error: unknown): TokenUsage {
  const usage = (error as { usage?: unknown } | undefined)?.usage;
  const parsed = z.object({ inputTokens: z.number().int(), outputTokens: z.number().int() }).safeParse(usage);
  return parsed.success ? parsed.data : { ...ZERO_USAGE };
}

function describe(error: unknown): string {
  if (error instanceof z.ZodError) return `schema mismatch: ${z.prettifyError(error).replaceAll('\n', '; ')}`;
  return error instanceof Error ? error.message : String(error);
}
