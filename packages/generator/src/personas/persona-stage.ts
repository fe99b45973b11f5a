import {
  addUsage,
  ConfigError,
  type Decoding,
  isRetryable,
  type TokenUsage,
  tokenUsageSchema,
  ZERO_USAGE,
} from '@parley/core';
import type { CallContext, ChatMessage, LanguageModel } from '@parley/llm';
import { z } from 'zod';

/** Names of the LLM-bound chunk stages of stages 1–2 (also their queue job names). */
export type PersonaStageName =
  | 'induce-queries'
  | 'bootstrap-queries'
  | 'bootstrap-personas'
  | 'check-consistency';

/**
 * Which configured model runs a stage: `personas.model` (default: the generator's model) or
 * `personas.profiles.consistencyModel`.
 */
export type PersonaModelRole = 'personas' | 'consistency';

/** The models a worker hands to a stage; only the one named by the stage's role is used. */
export interface PersonaStageModels {
  personas?: LanguageModel;
  consistency?: LanguageModel;
}

/** A chunk's input: the items one job processes. */
export interface ChunkInput<Item> {
  items: Item[];
}

/** A chunk's output: one result per input item, in input order, and the tokens spent. */
export interface ChunkOutput<Result> {
  results: Result[];
  usage: TokenUsage;
}

/**
 * One LLM-bound stage over a chunk of items, the unit the worker runs as a job. Prompt
 * building and parsing are pure (testable without a model); `run` makes one structured call per
 * item. A run is idempotent: the output depends only on the input and the model's answers.
 */
export interface PersonaStage<Item, Answer, Result> {
  readonly name: PersonaStageName;
  readonly modelRole: PersonaModelRole;
  readonly inputSchema: z.ZodType<ChunkInput<Item>>;
  readonly outputSchema: z.ZodType<ChunkOutput<Result>>;
  /** The structured answer the model returns per item, and its name for the provider. */
  readonly answerSchema: z.ZodType<Answer>;
  readonly answerName: string;
  buildPrompt(item: Item): ChatMessage[];
  /** Turns a valid answer into the item's result (bad content becomes a rejected result). */
  parse(answer: Answer, item: Item): Result;
  /** The result recorded for an item whose call failed for good (not retryable). */
  failure(reason: string, item: Item): Result;
  run(
    input: ChunkInput<Item>,
    models: PersonaStageModels,
    context?: CallContext,
  ): Promise<ChunkOutput<Result>>;
}

/** What a stage definition provides; {@link definePersonaStage} adds the schemas and `run`. */
export interface PersonaStageDefinition<Item, Answer, Result> {
  name: PersonaStageName;
  modelRole: PersonaModelRole;
  itemSchema: z.ZodType<Item>;
  resultSchema: z.ZodType<Result>;
  answerSchema: z.ZodType<Answer>;
  answerName: string;
  /** Decoding for every call of the stage (e.g. temperature 0 for a yes/no check). @defaultValue the model's */
  decoding?: Decoding;
  buildPrompt(item: Item): ChatMessage[];
  parse(answer: Answer, item: Item): Result;
  failure(reason: string, item: Item): Result;
}

/** Where the model of each role is configured, for error messages. */
export const MODEL_CONFIG_PATH: Record<PersonaModelRole, string> = {
  personas: 'personas.model',
  consistency: 'personas.profiles.consistencyModel',
};

// Calls in flight per chunk: a chunk is one job, and the worker's concurrency multiplies this.
const CALLS_PER_CHUNK_IN_FLIGHT = 4;

export function definePersonaStage<Item, Answer, Result>(
  definition: PersonaStageDefinition<Item, Answer, Result>,
): PersonaStage<Item, Answer, Result> {
  const inputSchema = z.object({ items: z.array(definition.itemSchema) }) as z.ZodType<ChunkInput<Item>>;
  const outputSchema = z.object({
    results: z.array(definition.resultSchema),
    usage: tokenUsageSchema,
  }) as z.ZodType<ChunkOutput<Result>>;

  const stage: PersonaStage<Item, Answer, Result> = {
    name: definition.name,
    modelRole: definition.modelRole,
    inputSchema,
    outputSchema,
    answerSchema: definition.answerSchema,
    answerName: definition.answerName,
    buildPrompt: definition.buildPrompt,
    parse: definition.parse,
    failure: definition.failure,
    async run(input, models, context = {}) {
      const { items } = inputSchema.parse(input);
      const model = models[definition.modelRole];
      if (!model) {
        throw new ConfigError([
          {
            path: MODEL_CONFIG_PATH[definition.modelRole],
            message: `stage ${definition.name} needs this model`,
          },
        ]);
      }
      const results = new Array<Result>(items.length);
      let usage: TokenUsage = { ...ZERO_USAGE };
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < items.length) {
          const index = next++;
          const item = items[index] as Item;
          try {
            const answer = await model.generateObject({
              ...context,
              stage: `personas:${definition.name}`,
              messages: definition.buildPrompt(item),
              schema: definition.answerSchema,
              schemaName: definition.answerName,
              ...(definition.decoding ? { decoding: definition.decoding } : {}),
            });
            usage = addUsage(usage, answer.usage);
            results[index] = definition.parse(answer.object, item);
          } catch (error) {
            // Retryable failures (429, 5xx, timeouts) fail the chunk so the job is retried;
            // an answer that can never be right becomes a counted rejection, not a crash.
            if (isRetryable(error)) throw error;
            results[index] = definition.failure(error instanceof Error ? error.message : String(error), item);
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(CALLS_PER_CHUNK_IN_FLIGHT, items.length) }, worker));
      return outputSchema.parse({ results, usage });
    },
  };
  return stage;
}

/** A produced text: kept (tidied) or rejected with a reason and the raw answer kept as data. */
export const generatedTextSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), text: z.string().min(1) }),
  z.object({ ok: z.literal(false), reason: z.string().min(1), raw: z.string() }),
]);
export type GeneratedText = z.infer<typeof generatedTextSchema>;
