import type { ChatMessage } from '@parley/llm';
import { z } from 'zod';
import { type QuestionAnswer, questionAnswerSchema, questionResult } from './induce-queries-stage';
import { definePersonaStage, generatedTextSchema } from './persona-stage';

/** Example queries to write a new one from. */
export const queryExamplesSchema = z.object({
  examples: z.array(z.string().min(1)).min(1).max(10),
});
export type QueryExamples = z.infer<typeof queryExamplesSchema>;

/** Query bootstrapping prompt: a new get-to-know-you question in the style of the examples. */
export function buildBootstrapQueryPrompt(item: QueryExamples): ChatMessage[] {
  return [
    {
      role: 'system',
      content: 'You help build a dataset of persona-based conversations. You write short, natural questions.',
    },
    {
      role: 'user',
      content: [
        'Here are questions that people ask each other to get to know someone:',
        ...item.examples.map((example, index) => `${index + 1}. ${example}`),
        '',
        'Write one new question of the same kind about another side of a person: their life,',
        'habits, work, family, tastes, past or plans. It must not repeat or rephrase a question above.',
        'Reply as JSON: {"question": "..."}.',
      ].join('\n'),
    },
  ];
}

/** Stage 1, query bootstrapping: one new question per set of sampled queries. */
export const bootstrapQueriesStage = definePersonaStage({
  name: 'bootstrap-queries',
  modelRole: 'personas',
  itemSchema: queryExamplesSchema,
  resultSchema: generatedTextSchema,
  answerSchema: questionAnswerSchema,
  answerName: 'persona_query',
  buildPrompt: buildBootstrapQueryPrompt,
  parse: (answer: QuestionAnswer) => questionResult(answer.question),
  failure: (reason) => ({ ok: false as const, reason: 'model-error', raw: reason }),
});
