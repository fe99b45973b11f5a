import { z } from 'zod';
import { conversationSchema } from '../schemas/conversation';
import { profilePairSchema } from '../schemas/pair';
import {
  acceptedConversationSchema,
  generationInfoSchema,
  pairOutcomeSchema,
  rejectedCandidateSchema,
} from '../schemas/release-records';
import { type TokenUsage, tokenUsageSchema } from '../schemas/usage';
import { expertVerdictSchema } from '../schemas/verdict';
import { ID_PATTERN } from './job-ids';

// Job payloads are validated by the processor that receives them: a malformed job fails with
// its job id in the message instead of crashing somewhere deep in a stage.

const runIdSchema = z.string().regex(ID_PATTERN);
const pairJobBase = z.object({
  runId: runIdSchema,
  iteration: z.number().int().positive(),
  pairId: z.string().regex(ID_PATTERN),
});

export const generateJobDataSchema = pairJobBase.extend({
  candidate: z.number().int().nonnegative(),
  pair: profilePairSchema,
});
export type GenerateJobData = z.infer<typeof generateJobDataSchema>;

export const critiqueJobDataSchema = pairJobBase.extend({ candidate: z.number().int().nonnegative() });
export type CritiqueJobData = z.infer<typeof critiqueJobDataSchema>;

export const selectJobDataSchema = pairJobBase.extend({ candidates: z.number().int().positive() });
export type SelectJobData = z.infer<typeof selectJobDataSchema>;

export const settleJobDataSchema = pairJobBase;
export type SettleJobData = z.infer<typeof settleJobDataSchema>;

export const generateResultSchema = z.object({
  conversation: conversationSchema,
  generation: generationInfoSchema,
});
export type GenerateResult = z.infer<typeof generateResultSchema>;

/** A candidate after the Critic's filters, or the reason it never got there. */
export const critiqueResultSchema = z.object({
  candidate: z.number().int().nonnegative(),
  conversation: conversationSchema.optional(),
  generation: generationInfoSchema.optional(),
  passed: z.boolean(),
  verdicts: z.array(expertVerdictSchema),
  rejectedBy: z.object({ expert: z.string(), reason: z.string() }).optional(),
  /** Set when generation or critique failed after its retries. */
  failure: z.object({ stage: z.string(), reason: z.string() }).optional(),
  usage: tokenUsageSchema,
});
export type CritiqueResult = z.infer<typeof critiqueResultSchema>;

export const selectResultSchema = z.object({
  outcome: pairOutcomeSchema,
  accepted: acceptedConversationSchema.optional(),
  rejected: z.array(rejectedCandidateSchema),
});
export type SelectResult = z.infer<typeof selectResultSchema>;

// A failed job leaves only its reason behind (BullMQ's failedReason, which the parent reads),
// so the tokens its failed call was billed for (a truncated, refused or unparseable answer)
// travel at the end of the reason, in a form read back exactly: `… [spent {"inputTokens":…}]`.
const SPENT_USAGE_TAIL = / \[spent (\{[^[\]]*\})\]$/;

/** A failure reason that carries the tokens the failed work was billed for (none: unchanged). */
export function withSpentUsage(reason: string, usage: TokenUsage | undefined): string {
  if (!usage || (usage.inputTokens === 0 && usage.outputTokens === 0)) return reason;
  return `${reason} [spent ${JSON.stringify(tokenUsageSchema.parse(usage))}]`;
}

/** Splits a failure reason into its text and the tokens it says were spent (zero when it says none). */
export function spentUsageOf(reason: string): { reason: string; usage: TokenUsage } {
  const tail = SPENT_USAGE_TAIL.exec(reason);
  if (tail) {
    try {
      const usage = tokenUsageSchema.safeParse(JSON.parse(tail[1]!));
      if (usage.success) return { reason: reason.slice(0, tail.index), usage: usage.data };
    } catch {
      // Not ours after all: the reason is kept whole.
    }
  }
  return { reason, usage: { inputTokens: 0, outputTokens: 0 } };
}

/** personas: one chunk of a stage 1–3 LLM task (query induction, bootstrapping, consistency). */
export const personasJobDataSchema = z.object({
  runId: runIdSchema,
  stage: z.string().min(1),
  chunkId: z.string().regex(ID_PATTERN),
  input: z.unknown(),
});
export type PersonasJobData = z.infer<typeof personasJobDataSchema>;
