import { z } from 'zod';

/** An induced or bootstrapped query, as stored in a run's queries.jsonl. */
export const personaQueryRecordSchema = z.object({
  id: z.string().min(1),
  /** The question ("What pets do you have?"). */
  text: z.string().min(1),
  /** `induced` from a cluster of seed attributes, or `bootstrapped` from other queries. */
  source: z.enum(['induced', 'bootstrapped']),
  /** The cluster an induced query came from. */
  cluster: z.number().int().nonnegative().optional(),
});
export type PersonaQueryRecord = z.infer<typeof personaQueryRecordSchema>;
