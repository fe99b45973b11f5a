import { conversationSchema, type FedPolicy, fedPolicySchema } from '@parley/core';
import type { ChatMessage } from '@parley/llm';
import { z } from 'zod';
import type { PairwiseInput, PairwiseOutcome, PairwiseRankerExpert } from './expert';
import { FED_POLICIES } from './fed-policies';
import { formatPersonas, formatTurns, samePersonas } from './format-conversation';
import type { LlmStage } from './llm-stage';

export const pairwiseOutputSchema = z.object({
  reasoning: z.string().describe('Why one conversation is better on this quality (or why they are equal).'),
  preferred: z
    .enum(['1', '2', 'tie'])
    .describe('1 for conversation 1, 2 for conversation 2, tie if truly equal.'),
});
export type PairwiseOutput = z.infer<typeof pairwiseOutputSchema>;

export const pairwiseInputSchema = z.object({
  policy: fedPolicySchema,
  first: conversationSchema,
  second: conversationSchema,
});

const INSTRUCTIONS = `You are an expert judge of conversations. You compare two synthetic conversations on ONE quality, named in the question, and ignore every other quality. The order in which the conversations are shown says nothing about which is better. Answer "tie" only when they are truly equal on that quality.

Answer with your reasoning, then which conversation is better: "1", "2" or "tie".`;

/** The pairwise question of one FED policy: "which of conversation 1 and 2 ...? why?". Pure. */
export function buildPairwisePrompt(input: PairwiseInput): ChatMessage[] {
  const { question, definition } = FED_POLICIES[input.policy];
  const shared = samePersonas(input.first, input.second);
  const header = shared
    ? `Both conversations are between the same two people.\n\n${formatPersonas(input.first)}\n\n`
    : '';
  const show = (label: string, conversation: PairwiseInput['first']) =>
    `${label}:\n${shared ? '' : `${formatPersonas(conversation)}\n\n`}${formatTurns(conversation.turns)}`;
  return [
    { role: 'system', content: INSTRUCTIONS },
    // The two conversations are shown alike for every policy: the prompt cache's prefix.
    {
      role: 'user',
      content: `${header}${show('Conversation 1', input.first)}\n\n${show('Conversation 2', input.second)}`,
      cacheBreakpoint: true,
    },
    {
      role: 'user',
      content: `Quality (${input.policy}): ${definition}\n\nWhich of conversation 1 and conversation 2 ${question}? Why?`,
    },
  ];
}

/** "1" / "2" / "tie" as shown, mapped to first / second / tie. */
export function parsePairwise(output: PairwiseOutput): PairwiseOutcome {
  const preferred = output.preferred === '1' ? 'first' : output.preferred === '2' ? 'second' : 'tie';
  return { preferred, rationale: output.reasoning };
}

/** The pairwise stage of one policy. */
export function pairwiseStage(policy: FedPolicy): LlmStage<PairwiseInput, PairwiseOutput, PairwiseOutcome> {
  return {
    name: `select:${policy}`,
    schemaName: `${policy}_comparison`,
    inputSchema: pairwiseInputSchema,
    outputSchema: pairwiseOutputSchema,
    buildPrompt: buildPairwisePrompt,
    parse: parsePairwise,
  };
}

/** A general-quality expert for one FED policy; its verdicts are named after the policy. */
export function createFedPolicyExpert(options: {
  policy: FedPolicy;
  model: string;
}): PairwiseRankerExpert<PairwiseOutput> {
  return {
    type: 'pairwise',
    name: options.policy,
    kind: 'ranker',
    model: options.model,
    policy: options.policy,
    stage: pairwiseStage(options.policy),
  };
}
