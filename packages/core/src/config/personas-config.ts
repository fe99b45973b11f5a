import { z } from 'zod';
import { fraction, nonEmptyString, nonNegativeInteger, positiveInteger } from './config-types';

/**
 * Stages 1–3 (docs/personas.md). `mode: seed-pairs` skips them and keeps the seed's own profile
 * pairs (SPC's persona-chat-compatible mode: same pairs, new conversations).
 */
export const personasConfigSchema = z.strictObject({
  /** @defaultValue 'seed-pairs' */
  mode: z.enum(['seed-pairs', 'expand'], { error: 'expected seed-pairs or expand' }).default('seed-pairs'),
  /** Embedding: a model name from `models:` or `offline` (hashed n-grams, no tokens). @defaultValue 'offline' */
  embedding: nonEmptyString().default('offline'),
  /** Model (from `models:`) for query induction and persona bootstrapping. @defaultValue generator's model */
  model: nonEmptyString().optional(),
  /** Agglomerative clustering: merge while average cosine similarity exceeds this. @defaultValue 0.3 (measured on SPC with the offline embedding: 0.5 leaves too few shared clusters to pair profiles) */
  clusterThreshold: fraction().default(0.3),
  /** Queries to induce (paper: 188). @defaultValue 40 */
  queryTarget: positiveInteger().default(40),
  /** New attributes to bootstrap (paper: 5000). @defaultValue 200 */
  attributeTarget: nonNegativeInteger().default(200),
  /** Drop a new attribute whose cosine to an existing one exceeds this. @defaultValue 0.8 */
  noveltyThreshold: fraction().default(0.8),
  profiles: z
    .strictObject({
      /** @defaultValue 5 */
      size: positiveInteger().default(5),
      /** How many profiles to build; pairing needs many to find pairs above the threshold. @defaultValue 1000 */
      count: positiveInteger().default(1000),
      /** @defaultValue 0.9 */
      redundancyThreshold: fraction().default(0.9),
      /** Model for the consistency check; absent means the offline contradiction heuristic. */
      consistencyModel: nonEmptyString().optional(),
    })
    .default({ size: 5, count: 1000, redundancyThreshold: 0.9 }),
  pairing: z
    .strictObject({
      /** Pair two profiles when more attribute pairs than this share a cluster. @defaultValue 2 */
      similarityThreshold: nonNegativeInteger().default(2),
      /** @defaultValue 3 */
      maxPairsPerProfile: positiveInteger().default(3),
    })
    .default({ similarityThreshold: 2, maxPairsPerProfile: 3 }),
});
export type PersonasConfig = z.infer<typeof personasConfigSchema>;
