import { z } from 'zod';
import { fraction, nonEmptyString, positiveInteger } from './config-types';

export const fedPolicySchema = z.enum(['depth', 'coherency', 'consistency', 'diversity', 'likeability']);
export type FedPolicy = z.infer<typeof fedPolicySchema>;

/**
 * The filters that need no model, in the order `parley critic score` lists them; the Critic's
 * offline experts are these (plus its word-list toxicity expert).
 */
export const MODEL_FREE_FILTERS = [
  'structure',
  'grounding',
  'roles',
  'copying',
  'contradiction',
  'truncation',
  'repetition',
  'near-duplicate',
] as const;

/** Thresholds of the offline experts, which cost no tokens and run first. */
export const offlineExpertsConfigSchema = z.strictObject({
  /**
   * Minimum persona-grounding score in [0, 1], persona words weighted by their rarity in the
   * seed (IDF). @defaultValue 0.06
   */
  minGrounding: fraction().default(0.06),
  /** Minimum distinct-2 over the conversation's words. @defaultValue 0.5 */
  minDistinct2: fraction().default(0.5),
  /** Jaccard (MinHash) above which a candidate duplicates an accepted one. @defaultValue 0.8 */
  nearDuplicateThreshold: fraction().default(0.8),
  /**
   * Lowest roles margin (how much better each speaker fits their own persona than the other's)
   * that passes; below zero tolerates speakers who say little about themselves. @defaultValue -0.12
   */
  minRolesMargin: z.number({ error: 'expected a number between -2 and 2' }).min(-2).max(2).default(-0.12),
  /** Most own persona sentences one speaker may copy (nearly) verbatim. @defaultValue 3 */
  maxCopiedSentences: z
    .number({ error: 'expected a non-negative integer' })
    .int({ error: 'expected a non-negative integer' })
    .nonnegative({ error: 'expected a non-negative integer' })
    .default(3),
});

/** The Critic panel (the paper's stage 4; docs/critic.md). Expert models are names from `models:`. */
export const criticConfigSchema = z.strictObject({
  /** pairwise: the paper's FED pairwise vote; rubric: one batched scoring call per pair. @defaultValue 'pairwise' */
  mode: z.enum(['pairwise', 'rubric'], { error: 'expected pairwise or rubric' }).default('pairwise'),
  /** Default model of the LLM experts. */
  model: nonEmptyString(),
  /** Filters and their order; cheap offline ones first. */
  filters: z
    .array(z.enum([...MODEL_FREE_FILTERS, 'toxicity', 'faithfulness']))
    .default([
      'structure',
      'repetition',
      'grounding',
      'roles',
      'copying',
      'contradiction',
      'truncation',
      'near-duplicate',
      'toxicity',
      'faithfulness',
    ]),
  /** How toxicity is judged. @defaultValue 'llm' */
  toxicity: z
    .enum(['llm', 'moderation', 'wordlist'], { error: 'expected llm, moderation or wordlist' })
    .default('llm'),
  /** FED policies voting pairwise. @defaultValue all five */
  policies: z
    .array(fedPolicySchema)
    .min(1)
    .default(['depth', 'coherency', 'consistency', 'diversity', 'likeability']),
  /** Ask each comparison in both orders to cancel position bias. @defaultValue true */
  bothOrders: z.boolean().default(true),
  /** Per-expert model overrides: `{ faithfulness: 'claude' }`. */
  models: z.record(z.string(), nonEmptyString()).default({}),
  offline: offlineExpertsConfigSchema.default({
    minGrounding: 0.06,
    minDistinct2: 0.5,
    nearDuplicateThreshold: 0.8,
    minRolesMargin: -0.12,
    maxCopiedSentences: 3,
  }),
  /** Candidates per pair surviving the filters that go to the vote (cost bound). @defaultValue 4 */
  maxFinalists: positiveInteger().default(4),
});
export type CriticConfig = z.infer<typeof criticConfigSchema>;
