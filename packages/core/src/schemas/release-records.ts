import { z } from 'zod';
import { conversationSchema } from './conversation';
import { tokenUsageSchema } from './usage';
import { expertVerdictSchema } from './verdict';

/**
 * The split a release puts a conversation in, named as Hugging Face `datasets` names them
 * (the config's `valid` fraction is `validation` here; the SPC CSV keeps `valid.csv`).
 */
export const releaseSplitSchema = z.enum(['train', 'validation', 'test']);
export type ReleaseSplit = z.infer<typeof releaseSplitSchema>;

/**
 * Fields the release writer adds to every line (the scheduler's in-flight lines lack them):
 * the pair as pairs.jsonl names it (`pair` can carry a `-rN` repeat suffix), the profile ids of
 * both speakers (profiles.jsonl), and the split. `split` is null for a pair whose two profiles
 * were assigned to different splits: it is kept out of every split (see the release's card).
 */
export const releaseLineFieldsShape = {
  profilePair: z.string().min(1).optional(),
  user1Profile: z.string().min(1).optional(),
  user2Profile: z.string().min(1).optional(),
  split: releaseSplitSchema.nullable().optional(),
};

/** What became of one profile pair in one iteration. */
export const pairOutcomeSchema = z.enum(['accepted', 'rejected', 'failed']);
export type PairOutcome = z.infer<typeof pairOutcomeSchema>;

/** How the Generator made a candidate: model, few-shot examples, decoding. */
export const generationInfoSchema = z.object({
  model: z.string(),
  fewShotIds: z.array(z.string()),
  temperature: z.number().optional(),
  topK: z.number().optional(),
  seed: z.number().optional(),
  usage: tokenUsageSchema,
});
export type GenerationInfo = z.infer<typeof generationInfoSchema>;

/**
 * One line of conversations.jsonl: an accepted conversation with everything that explains it.
 * It is a Conversation, so Parley's own JSONL reader reads a release back.
 */
export const acceptedConversationSchema = conversationSchema.extend({
  run: z.string(),
  iteration: z.number().int().positive(),
  pair: z.string(),
  candidate: z.number().int().nonnegative(),
  generator: generationInfoSchema,
  verdicts: z.array(expertVerdictSchema),
  /** Judge score in [0, 1] from the Critic's vote; ranks the example pool. */
  judgeScore: z.number(),
  /** Tokens spent on this pair (all candidates, generation and critique). */
  usage: tokenUsageSchema,
  ...releaseLineFieldsShape,
});
export type AcceptedConversation = z.infer<typeof acceptedConversationSchema>;

/** One line of rejected.jsonl: a dropped candidate (or a failed pair) with its reasons. */
export const rejectedCandidateSchema = z.object({
  run: z.string(),
  iteration: z.number().int().positive(),
  pair: z.string(),
  /** Candidate index, or null when the whole pair failed before candidates existed. */
  candidate: z.number().int().nonnegative().nullable(),
  outcome: z.enum(['filtered', 'lost-vote', 'failed']),
  /** The expert that rejected it (filtered), or the stage that failed. */
  expert: z.string().optional(),
  reason: z.string(),
  verdicts: z.array(expertVerdictSchema),
  conversation: conversationSchema.optional(),
  usage: tokenUsageSchema.optional(),
  ...releaseLineFieldsShape,
});
export type RejectedCandidate = z.infer<typeof rejectedCandidateSchema>;
