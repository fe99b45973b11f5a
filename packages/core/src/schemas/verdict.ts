import { z } from 'zod';
import { tokenUsageSchema } from './usage';

/** Filters pass or fail one candidate; rankers compare candidates or score them. */
export const expertKindSchema = z.enum(['filter', 'ranker']);
export type ExpertKind = z.infer<typeof expertKindSchema>;

/**
 * What one expert said about one candidate. A filter sets `passed`; a ranker sets `score`
 * (and, for pairwise comparisons, `wins` out of `comparisons`). Every verdict keeps a short
 * rationale so a rejected candidate says why.
 */
export const expertVerdictSchema = z.object({
  expert: z.string().min(1),
  kind: expertKindSchema,
  passed: z.boolean().optional(),
  score: z.number().optional(),
  wins: z.number().nonnegative().optional(),
  comparisons: z.number().int().nonnegative().optional(),
  rationale: z.string(),
  /** `provider:model` of the model that judged, absent for offline experts. */
  model: z.string().optional(),
  usage: tokenUsageSchema.optional(),
  /** Raw model output kept when it could not be parsed (bad output is data, not a crash). */
  rawOutput: z.string().optional(),
  /**
   * True when the expert's model gave no usable answer (it never parsed, or made no sense): the
   * verdict is then no judgement of the candidate, and `passed` only says what the panel let the
   * candidate do (`unparseableFilter`). Counters keep these apart from the expert's verdicts.
   */
  unparseable: z.literal(true).optional(),
});
export type ExpertVerdict = z.infer<typeof expertVerdictSchema>;
