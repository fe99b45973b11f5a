import type { ChatMessage } from '@parley/llm';
import { z } from 'zod';
import { definePersonaStage, type GeneratedText, generatedTextSchema } from './persona-stage';
import { validateAttribute } from './validate-attribute';

/** A query and the persona the model answers it as. */
export const personaQuestionSchema = z.object({
  query: z.string().min(1),
  persona: z.array(z.string().min(1)).min(1).max(10),
});
export type PersonaQuestion = z.infer<typeof personaQuestionSchema>;

export const attributeAnswerSchema = z.object({ attribute: z.string() });
export type AttributeAnswer = z.infer<typeof attributeAnswerSchema>;

/** The paper's persona bootstrapping prompt: answer the query as this persona, in one sentence. */
export function buildBootstrapPersonaPrompt(item: PersonaQuestion): ChatMessage[] {
  return [
    {
      role: 'system',
      content: 'You help build a dataset of persona-based conversations. You write short persona facts.',
    },
    {
      role: 'user',
      content: [
        'Imagine you are a person with the following persona:',
        ...item.persona.map((attribute) => `- ${attribute}`),
        '',
        `Answer the following question as this person: ${item.query}`,
        'Answer in one short sentence that starts with "I" or "My". Say something new about yourself',
        'that fits the persona; do not repeat a sentence of it.',
        'Reply as JSON: {"attribute": "..."}.',
      ].join('\n'),
    },
  ];
}

/** Stage 1, persona bootstrapping: one new attribute per (query, persona sample). */
export const bootstrapPersonasStage = definePersonaStage({
  name: 'bootstrap-personas',
  modelRole: 'personas',
  itemSchema: personaQuestionSchema,
  resultSchema: generatedTextSchema,
  answerSchema: attributeAnswerSchema,
  answerName: 'persona_attribute',
  buildPrompt: buildBootstrapPersonaPrompt,
  parse: (answer: AttributeAnswer): GeneratedText => {
    const validation = validateAttribute(answer.attribute);
    return validation.ok
      ? { ok: true, text: validation.text }
      : { ok: false, reason: validation.reason, raw: answer.attribute };
  },
  failure: (reason) => ({ ok: false as const, reason: 'model-error', raw: reason }),
});
