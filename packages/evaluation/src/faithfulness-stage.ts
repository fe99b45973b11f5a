import { conversationSchema, speakerLabel, speakerSchema } from '@parley/core';
import { formatTurns, type LlmStage, UnparseableVerdictError } from '@parley/critic';
import type { ChatMessage } from '@parley/llm';
import { z } from 'zod';

/** Most statements one question shows (4 real, 4 distractors). */
export const MAX_STATEMENTS = 8;

export const faithfulnessInputSchema = z.object({
  conversation: conversationSchema,
  speaker: speakerSchema,
  statements: z.array(z.string().min(1)).min(1).max(MAX_STATEMENTS),
});
export type FaithfulnessInput = z.infer<typeof faithfulnessInputSchema>;

/** What the persona-faithfulness judge must answer. */
export const faithfulnessTestOutputSchema = z.object({
  reasoning: z.string().describe('For each statement, what the conversation shows about it.'),
  selected: z
    .array(z.number().int().min(1).max(MAX_STATEMENTS))
    .describe('The numbers of the statements the speaker holds; empty if none.'),
});
export type FaithfulnessTestOutput = z.infer<typeof faithfulnessTestOutputSchema>;

const INSTRUCTIONS = `You read a conversation between two people, User 1 and User 2, and judge what it reveals about one of them.

Each person was given a persona: a few short statements about themselves that they reflect in what they say. You will see a numbered list of statements about one of the speakers. Some belong to that speaker's persona; others do not (they may belong to someone else, or contradict the speaker's persona).

Select every statement that the speaker holds, judging from the conversation. Answer with your reasoning, then the numbers of the statements you selected.`;

/** The faithfulness question for one speaker: the conversation, then the numbered statements. Pure. */
export function buildFaithfulnessTestPrompt(input: FaithfulnessInput): ChatMessage[] {
  const who = speakerLabel(input.speaker);
  const listed = input.statements.map((statement, index) => `${index + 1}. ${statement}`).join('\n');
  return [
    { role: 'system', content: INSTRUCTIONS },
    {
      role: 'user',
      content: `Conversation:\n${formatTurns(input.conversation.turns)}\n\nStatements about ${who}:\n${listed}\n\nWhich of these statements does ${who} hold? Give their numbers.`,
    },
  ];
}

/** The selected statements as 0-based indices, ascending, each once. */
export function parseFaithfulnessTest(output: FaithfulnessTestOutput, input: FaithfulnessInput): number[] {
  const outside = output.selected.filter((number) => number < 1 || number > input.statements.length);
  if (outside.length > 0) {
    throw new UnparseableVerdictError(
      `selected statement ${outside.join(', ')} of ${input.statements.length} shown`,
    );
  }
  return [...new Set(output.selected)].sort((a, b) => a - b).map((number) => number - 1);
}

export const faithfulnessTestStage: LlmStage<FaithfulnessInput, FaithfulnessTestOutput, number[]> = {
  name: 'eval:faithfulness',
  schemaName: 'persona_statements',
  inputSchema: faithfulnessInputSchema,
  outputSchema: faithfulnessTestOutputSchema,
  buildPrompt: buildFaithfulnessTestPrompt,
  parse: parseFaithfulnessTest,
};
