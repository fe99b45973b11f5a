import { z } from 'zod';

/** A persona attribute: one short first-person sentence ("I have a turtle named Timothy."). */
export const personaAttributeSchema = z.string().trim().min(1, 'a persona attribute cannot be empty');
export type PersonaAttribute = z.infer<typeof personaAttributeSchema>;

/** An attribute as stored in a run's personas.jsonl, with where it came from. */
export const personaRecordSchema = z.object({
  id: z.string().min(1),
  text: personaAttributeSchema,
  source: z.enum(['seed', 'generated']),
  /** The induced query the attribute answers, for generated attributes. */
  query: z.string().optional(),
  /** Cluster index from query induction, when clustering ran. */
  cluster: z.number().int().nonnegative().optional(),
});
export type PersonaRecord = z.infer<typeof personaRecordSchema>;
