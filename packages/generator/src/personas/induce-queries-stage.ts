import type { ChatMessage } from '@parley/llm';
import { z } from 'zod';
import { definePersonaStage, generatedTextSchema } from './persona-stage';
import { validateQuestion } from './validate-question';

/** One cluster's sample: a few attributes that are about the same thing. */
export const clusterSampleSchema = z.object({
  cluster: z.number().int().nonnegative(),
  attributes: z.array(z.string().min(1)).min(1).max(10),
});
export type ClusterSample = z.infer<typeof clusterSampleSchema>;

export const questionAnswerSchema = z.object({ question: z.string() });
export type QuestionAnswer = z.infer<typeof questionAnswerSchema>;

/** Query induction prompt: the one question that every attribute of a cluster answers. */
export function buildInduceQueryPrompt(sample: ClusterSample): ChatMessage[] {
  return [
    {
      role: 'system',
      content: 'You help build a dataset of persona-based conversations. You write short, natural questions.',
    },
    {
      role: 'user',
      content: [
        'Here are facts that different people said about themselves:',
        ...sample.attributes.map((attribute) => `- ${attribute}`),
        '',
        'What is the question that all of these facts answer? Write one short, general question',
        'addressed to "you", such as "What pets do you have?" or "What do you do for a living?".',
        'Do not mention a detail that only one of the facts has.',
        'Reply as JSON: {"question": "..."}.',
      ].join('\n'),
    },
  ];
}

/** Stage 1, query induction: one question per cluster sample. */
export const induceQueriesStage = definePersonaStage({
  name: 'induce-queries',
  modelRole: 'personas',
  itemSchema: clusterSampleSchema,
  resultSchema: generatedTextSchema,
  answerSchema: questionAnswerSchema,
  answerName: 'persona_query',
  buildPrompt: buildInduceQueryPrompt,
  parse: (answer: QuestionAnswer) => questionResult(answer.question),
  failure: (reason) => ({ ok: false as const, reason: 'model-error', raw: reason }),
});

/** A model's question, validated on its own (duplicates are decided by the orchestrator). */
export function questionResult(raw: string): z.infer<typeof generatedTextSchema> {
  const validation = validateQuestion(raw);
  return validation.ok ? { ok: true, text: validation.text } : { ok: false, reason: validation.reason, raw };
}
