import type { ChatMessage } from '@parley/llm';
import { z } from 'zod';
import { definePersonaStage } from './persona-stage';

/** Two attributes that would end up in the same profile. */
export const attributePairSchema = z.object({
  first: z.string().min(1),
  second: z.string().min(1),
});
export type AttributePair = z.infer<typeof attributePairSchema>;

export const contradictionAnswerSchema = z.object({ contradiction: z.enum(['yes', 'no']) });
export type ContradictionAnswer = z.infer<typeof contradictionAnswerSchema>;

/** A verdict, or why none could be had (the orchestrator then treats the pair as inconsistent). */
export const consistencyResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), contradiction: z.boolean() }),
  z.object({ ok: z.literal(false), reason: z.string().min(1), raw: z.string() }),
]);
export type ConsistencyResult = z.infer<typeof consistencyResultSchema>;

/**
 * The consistency check: does the first attribute entail the negation of the second? (The
 * paper negates each attribute with the LLM and runs an NLI model; one structured yes/no call
 * per pair asks the same thing.)
 */
export function buildConsistencyPrompt(pair: AttributePair): ChatMessage[] {
  return [
    {
      role: 'system',
      content: 'You judge whether two facts about the same person can both be true. Answer strictly.',
    },
    {
      role: 'user',
      content: [
        'Two facts describe the same person.',
        `Fact A: ${pair.first}`,
        `Fact B: ${pair.second}`,
        '',
        'Does fact A entail the negation of fact B, so that one person could not truthfully say both?',
        'Facts about different topics, or that could both hold at the same time, are not a contradiction.',
        'Reply as JSON: {"contradiction": "yes"} or {"contradiction": "no"}.',
      ].join('\n'),
    },
  ];
}

/** Stage 2, consistency: one yes/no verdict per attribute pair. */
export const checkConsistencyStage = definePersonaStage({
  name: 'check-consistency',
  modelRole: 'consistency',
  itemSchema: attributePairSchema,
  resultSchema: consistencyResultSchema,
  answerSchema: contradictionAnswerSchema,
  answerName: 'contradiction_verdict',
  decoding: { temperature: 0 },
  buildPrompt: buildConsistencyPrompt,
  parse: (answer: ContradictionAnswer): ConsistencyResult => ({
    ok: true,
    contradiction: answer.contradiction === 'yes',
  }),
  failure: (reason) => ({ ok: false as const, reason: 'model-error', raw: reason }),
});
