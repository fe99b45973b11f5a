import {
  type Conversation,
  conversationId,
  type GenerateResult,
  type GeneratorConfig,
  type ProfilePair,
} from '@parley/core';
import type { LanguageModel } from '@parley/llm';
import { generatedConversationSchema, toConversation } from './generated-conversation';
import { buildGeneratorPrompt } from './generator-prompt';
import { exampleDrawKey, pickExamples } from './pick-examples';
import { resolveTurnBounds } from './seed-turn-bounds';

export interface GenerateCandidateInput {
  model: LanguageModel;
  config: GeneratorConfig;
  pool: readonly Conversation[];
  runId: string;
  iteration: number;
  pair: ProfilePair;
  candidate: number;
  /** Seed of the run; with the candidate index it decides examples and the decoding seed. */
  randomSeed: number;
  signal?: AbortSignal;
}

/** One Generator call: one candidate conversation for one pair. */
export async function generateCandidate(input: GenerateCandidateInput): Promise<GenerateResult> {
  const id = conversationId(input.runId, input.iteration, input.pair.id, input.candidate);
  // Keyed on the job's content and seed, not on `id`: the run id's suffix is random.
  const drawKey = exampleDrawKey(input.randomSeed, input.iteration, input.pair.id, input.candidate);
  const examples = pickExamples(input.pool, input.pair, input.config.examplesPerPrompt, drawKey);
  // A run's stored config always has its bounds (derived from the seed when it was created);
  // a config used outside a run (a benchmark, a test) takes them from the pool it is given.
  const bounds = resolveTurnBounds(input.config, () => input.pool);
  const messages = buildGeneratorPrompt({ examples, pair: input.pair, ...bounds });
  // K candidates for one pair must differ: each gets its own decoding seed.
  const seed = input.randomSeed * 1_000 + input.candidate;
  const result = await input.model.generateObject({
    messages,
    schema: generatedConversationSchema(bounds.minTurnsPerSpeaker, bounds.maxTurnsPerSpeaker),
    schemaName: 'conversation',
    decoding: { temperature: input.config.temperature, topK: input.config.topK, seed },
    stage: 'generate',
    runId: input.runId,
    signal: input.signal,
  });
  return {
    conversation: toConversation(id, input.pair, result.object),
    generation: {
      model: result.modelId,
      fewShotIds: examples.map((example) => example.id),
      temperature: input.config.temperature,
      topK: input.config.topK,
      seed,
      usage: result.usage,
    },
  };
}
