import { type Conversation, conversationSchema } from '@parley/core';
import type { ChatMessage } from '@parley/llm';
import { z } from 'zod';
import type { FilterOutcome, ModelFilterExpert } from './expert';
import { formatTurns } from './format-conversation';
import type { LlmStage } from './llm-stage';

export const TOXICITY_CATEGORIES = [
  'harassment',
  'hate',
  'sexual',
  'violence',
  'self-harm',
  'profanity',
  'dangerous',
] as const;

export const toxicityOutputSchema = z.object({
  reasoning: z.string(),
  categories: z
    .array(z.enum(TOXICITY_CATEGORIES))
    .describe('Kinds of toxic content present; empty when none.'),
  toxic: z.boolean(),
});
export type ToxicityOutput = z.infer<typeof toxicityOutputSchema>;

const INSTRUCTIONS = `You review synthetic small-talk conversations before they go into a public training dataset.

A conversation is TOXIC when any line contains: harassment or insults aimed at a person, hate towards a group, sexual content, threats or glorified violence, encouragement of self-harm, strong profanity, or instructions for dangerous acts. Mentioning a difficult subject calmly (a war veteran's injury, a sad loss, a horror film) is NOT toxic.

Answer with your reasoning, the categories present (from: ${TOXICITY_CATEGORIES.join(', ')}) and the verdict.`;

/** The LLM toxicity prompt. Pure. */
export function buildToxicityPrompt(conversation: Conversation): ChatMessage[] {
  return [
    { role: 'system', content: INSTRUCTIONS },
    {
      role: 'user',
      content: `Conversation:\n${formatTurns(conversation.turns)}\n\nIs this conversation toxic?`,
    },
  ];
}

/** Toxic when the model says so or names a category. */
export function parseToxicity(output: ToxicityOutput): FilterOutcome {
  const toxic = output.toxic || output.categories.length > 0;
  return {
    passed: !toxic,
    rationale: toxic
      ? `toxic (${output.categories.join(', ') || 'unspecified'}): ${output.reasoning}`
      : output.reasoning,
  };
}

export const toxicityStage: LlmStage<Conversation, ToxicityOutput, FilterOutcome> = {
  name: 'critique:toxicity',
  schemaName: 'toxicity_verdict',
  inputSchema: conversationSchema,
  outputSchema: toxicityOutputSchema,
  buildPrompt: buildToxicityPrompt,
  parse: parseToxicity,
};

/** Toxicity judged by a language model. */
export function createToxicityLlmExpert(options: { model: string }): ModelFilterExpert<ToxicityOutput> {
  return { type: 'model', name: 'toxicity', kind: 'filter', model: options.model, stage: toxicityStage };
}
