import { conversationSchema, type FedPolicy, fedPolicySchema } from '@parley/core';
import type { ChatMessage } from '@parley/llm';
import { z } from 'zod';
import type { RubricInput, RubricOutcome, RubricRankerExpert } from './expert';
import { FED_POLICIES } from './fed-policies';
import { formatPersonas, formatTurns } from './format-conversation';
import type { LlmStage } from './llm-stage';
import { UnparseableVerdictError } from './unparseable-verdict-error';

/** The lowest and highest rubric grade the model may give. */
export const RUBRIC_SCALE = { min: 1, max: 10 } as const;

export interface RubricOutput {
  conversations: Array<{ conversation: number; reasoning: string; scores: Record<string, number> }>;
}

/** The answer schema for a set of policies: per conversation, one integer grade per policy. */
export function rubricOutputSchema(policies: readonly FedPolicy[]): z.ZodType<RubricOutput> {
  const grade = z.number().int().min(RUBRIC_SCALE.min).max(RUBRIC_SCALE.max);
  return z.object({
    conversations: z.array(
      z.object({
        conversation: z.number().int().describe('The number of the conversation as shown.'),
        reasoning: z.string(),
        scores: z.object(Object.fromEntries(policies.map((policy) => [policy, grade]))),
      }),
    ),
  }) as z.ZodType<RubricOutput>;
}

export const rubricInputSchema = z.object({
  policies: z.array(fedPolicySchema).min(1),
  candidates: z.array(conversationSchema).min(1),
});

const INSTRUCTIONS = `You are an expert judge of conversations. You grade several synthetic conversations between the same two people on a few qualities, each from ${RUBRIC_SCALE.min} (very poor) to ${RUBRIC_SCALE.max} (excellent). Grade every conversation on its own merits; the order in which they are shown says nothing about their quality. Use the whole scale and give different grades when the conversations differ.

Answer with one entry per conversation: its number, your reasoning and a grade per quality.`;

/** One prompt with every candidate and every policy. Pure. */
export function buildRubricPrompt(input: RubricInput): ChatMessage[] {
  const qualities = input.policies
    .map((policy) => `- ${policy}: ${FED_POLICIES[policy].definition}`)
    .join('\n');
  const conversations = input.candidates
    .map((candidate, index) => `Conversation ${index + 1}:\n${formatTurns(candidate.turns)}`)
    .join('\n\n');
  const personas = input.candidates[0] ? `${formatPersonas(input.candidates[0])}\n\n` : '';
  return [
    { role: 'system', content: INSTRUCTIONS },
    {
      role: 'user',
      content: `${personas}${conversations}\n\nQualities:\n${qualities}\n\nGrade conversations 1 to ${input.candidates.length} on ${input.policies.join(', ')}.`,
    },
  ];
}

/** Grades mapped to [0, 1], in candidate order; every candidate must be graded exactly once. */
export function parseRubric(output: RubricOutput, input: RubricInput): RubricOutcome {
  const count = input.candidates.length;
  const byNumber = new Map<number, RubricOutput['conversations'][number]>();
  for (const entry of output.conversations) {
    if (entry.conversation < 1 || entry.conversation > count) {
      throw new UnparseableVerdictError(
        `rubric graded conversation ${entry.conversation}, but only 1–${count} exist`,
      );
    }
    if (byNumber.has(entry.conversation)) {
      throw new UnparseableVerdictError(`rubric graded conversation ${entry.conversation} twice`);
    }
    byNumber.set(entry.conversation, entry);
  }
  const scores: RubricOutcome['scores'] = [];
  const rationales: string[] = [];
  for (let number = 1; number <= count; number++) {
    const entry = byNumber.get(number);
    if (!entry) throw new UnparseableVerdictError(`rubric did not grade conversation ${number}`);
    const graded = {} as Record<FedPolicy, number>;
    for (const policy of input.policies) {
      const grade = entry.scores[policy];
      if (typeof grade !== 'number')
        throw new UnparseableVerdictError(`rubric gave no ${policy} grade to ${number}`);
      graded[policy] = (grade - RUBRIC_SCALE.min) / (RUBRIC_SCALE.max - RUBRIC_SCALE.min);
    }
    scores.push(graded);
    rationales.push(entry.reasoning);
  }
  return { scores, rationales };
}

/** The batched rubric stage for a set of policies. */
export function rubricStage(
  policies: readonly FedPolicy[],
): LlmStage<RubricInput, RubricOutput, RubricOutcome> {
  return {
    name: 'select:rubric',
    schemaName: 'rubric_scores',
    inputSchema: rubricInputSchema,
    outputSchema: rubricOutputSchema(policies),
    buildPrompt: buildRubricPrompt,
    parse: parseRubric,
  };
}

/** `mode: rubric`: every finalist graded on every policy in ONE call (fewer tokens than pairwise). */
export function createRubricExpert(options: {
  policies: readonly FedPolicy[];
  model: string;
}): RubricRankerExpert<RubricOutput> {
  return {
    type: 'rubric',
    name: 'rubric',
    kind: 'ranker',
    model: options.model,
    policies: [...options.policies],
    stage: rubricStage(options.policies),
  };
}
